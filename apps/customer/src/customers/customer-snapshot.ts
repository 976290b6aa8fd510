import type { Customer } from './customer.entity';

/**
 * The customer as its events carry it. Events are recorded before the flush that commits the
 * change, so `version` is the one this commit produces: 1 for a new row, else one more than the
 * loaded version (a change that records an event always changes the row).
 */
export function customerSnapshot(customer: Customer) {
  return {
    customerId: customer.id,
    version: customer.version === undefined ? 1 : customer.version + 1,
    customerNo: customer.customerNo,
    name: customer.name,
    manager: customer.manager,
    region: customer.region,
    level: customer.level,
    credit: customer.credit,
    satisfaction: customer.satisfaction,
    status: customer.status,
    createdAt: customer.createdAt.toISOString(),
    updatedAt: customer.updatedAt.toISOString(),
  };
}
