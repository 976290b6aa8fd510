import { uniqueName } from '@crm/testing';

/** A complete customer as a manager enters it (every field §2.1 requires), with `overrides`. */
export function completeCustomer(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: uniqueName('华东机械'),
    region: '华东',
    level: '大客户',
    satisfaction: 4,
    credit: 5,
    address: '上海市浦东新区张江路 1 号',
    zip: '200120',
    phone: '021-5555 0101',
    legalPerson: '王总',
    bank: '工商银行',
    bankAccount: '6222 0000 1111',
    localTaxNo: 'L-310000',
    nationalTaxNo: 'N-310000',
    licenceNo: uniqueName('LIC'),
    registeredCapital: 500,
    ...overrides,
  };
}
