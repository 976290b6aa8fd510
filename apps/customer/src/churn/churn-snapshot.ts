import type { EventData, ChurnWarnedV1 } from '@crm/contracts';
import type { Customer } from '../customers/customer.entity';
import type { ChurnCustomer, ChurnRecord } from './churn-record.entity';

/**
 * The record as its events carry it. Events are recorded before the flush that commits the change,
 * so `version` is the one this commit produces: 1 for a new record, else one more than the loaded
 * version (every change of a record touches its row).
 */
export function churnSnapshot(record: ChurnRecord): EventData<typeof ChurnWarnedV1> {
  return {
    churnId: record.id,
    version: record.version === undefined ? 1 : record.version + 1,
    customerId: record.customerId,
    customerNo: record.customerNo,
    customerName: record.customerName,
    manager: record.manager,
    lastOrderDate: record.lastOrderDate,
    warnedAt: record.warnedAt.toISOString(),
    status: record.status,
    ...churnOutcome(record),
  };
}

/** Measures, reason and the times it was confirmed or closed, as both its events and its HTTP answer show them. */
export function churnOutcome(record: ChurnRecord) {
  return {
    measures: record.measures.getItems().map((measure) => ({ measure: measure.measure, at: measure.at.toISOString(), by: measure.by })),
    reason: record.reason,
    confirmedAt: record.confirmedAt?.toISOString() ?? null,
    closedAt: record.closedAt?.toISOString() ?? null,
  };
}

export function churnCustomerOf(customer: Pick<Customer, 'id' | 'customerNo' | 'name' | 'managerId' | 'managerName'>): ChurnCustomer {
  return { id: customer.id, customerNo: customer.customerNo, name: customer.name, manager: { id: customer.managerId, name: customer.managerName } };
}
