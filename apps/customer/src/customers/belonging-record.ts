import type { EntityClass, EntityManager, FilterQuery } from '@mikro-orm/core';
import { CustomerError, CustomerErrorCode } from './customer.errors';

/** A record that belongs to one customer (a contact, an interaction record). */
export interface BelongingRecord {
  id: string;
  customerId: string;
  version: number;
}

/**
 * Loads one of a customer's records for a change: 404 when the customer has no such record (also
 * when it belongs to another customer), 412 when If-Match named an older version.
 */
export async function findBelonging<T extends BelongingRecord>(
  em: EntityManager,
  entity: EntityClass<T>,
  customerId: string,
  id: string,
  expectedVersion: number | undefined,
  notFound: CustomerErrorCode.ContactNotFound | CustomerErrorCode.ActivityNotFound,
): Promise<T> {
  const record = await em.findOne(entity, { id, customerId } as FilterQuery<T>);
  if (!record) throw new CustomerError(notFound, `The customer has no such record ${id}.`);
  if (expectedVersion !== undefined && expectedVersion !== record.version) {
    throw new CustomerError(CustomerErrorCode.VersionMismatch, `The record is at version ${record.version}, not ${expectedVersion}: someone changed it since you read it.`);
  }
  return record;
}
