import type { ColumnSpec } from '@crm/data-exchange';
import type { CustomerDetails } from '../customers/customer.entity';

export type CustomerColumnKey = keyof CustomerDetails | 'customerNo' | 'manager' | 'status';

/**
 * The columns of the customer spreadsheet, one list for the template, the import and the export,
 * so a file exported here imports again. Headers may be written in Chinese, English or both.
 * `customerNo` given → that customer is updated (blank cells leave its fields as they are);
 * not given → a new customer. `status` is exported for reading and ignored on import.
 */
export const CUSTOMER_COLUMNS: readonly ColumnSpec<CustomerColumnKey>[] = [
  { key: 'customerNo', zh: '客户编号', en: 'Customer No', note: 'blank for a new customer; an existing number updates that customer', example: '' },
  { key: 'name', zh: '客户名称', en: 'Name', note: '* for a new customer (an update may leave it out)', example: '华东机械有限公司' },
  { key: 'region', zh: '地区', en: 'Region', note: 'an item of the dictionary 地区', example: '华东' },
  { key: 'manager', zh: '客户经理', en: 'Manager', note: 'login, id or name of an active account manager', example: 'manager1' },
  { key: 'level', zh: '客户等级', en: 'Level', note: 'an item of the dictionary 企业客户等级', example: '大客户' },
  { key: 'satisfaction', zh: '客户满意度', en: 'Satisfaction', note: '1–5', example: 4 },
  { key: 'credit', zh: '客户信用度', en: 'Credit', note: '1–5', example: 5 },
  { key: 'address', zh: '地址', en: 'Address', example: '上海市浦东新区张江路 1 号' },
  { key: 'zip', zh: '邮政编码', en: 'Zip', aliases: ['邮编', 'Postal code'], example: '200120' },
  { key: 'phone', zh: '电话', en: 'Phone', example: '021-5555 0101' },
  { key: 'fax', zh: '传真', en: 'Fax' },
  { key: 'website', zh: '网址', en: 'Website' },
  { key: 'licenceNo', zh: '营业执照注册号', en: 'Licence No', aliases: ['License No'] },
  { key: 'legalPerson', zh: '法人', en: 'Legal person', example: '王总' },
  { key: 'registeredCapital', zh: '注册资金(万元)', en: 'Registered capital', aliases: ['注册资金'], note: 'in 10,000 CNY, a whole number' },
  { key: 'annualTurnover', zh: '年营业额(万元)', en: 'Annual turnover', aliases: ['年营业额'], note: 'in 10,000 CNY, a whole number' },
  { key: 'bank', zh: '开户银行', en: 'Bank', example: '工商银行' },
  { key: 'bankAccount', zh: '银行帐号', en: 'Bank account', aliases: ['银行账号'], example: '6222 0000 1111' },
  { key: 'localTaxNo', zh: '地税登记号', en: 'Local tax No', example: 'L-310000' },
  { key: 'nationalTaxNo', zh: '国税登记号', en: 'National tax No', example: 'N-310000' },
  { key: 'status', zh: '状态', en: 'Status', note: 'exported for reading; ignored on import' },
];
