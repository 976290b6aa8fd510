import { Injectable } from '@nestjs/common';
import { EntityManager, type FilterQuery } from '@mikro-orm/core';
import { CustomerUpdatedV1, type UserRef } from '@crm/contracts';
import { EventOutbox } from '@crm/messaging';
import { Customer } from './customer.entity';
import { customerSnapshot } from './customer-snapshot';

/** Customers read, recorded and committed together: bounded memory and short transactions at 100,000 customers. */
export const REPUBLISH_BATCH_SIZE = 500;

/**
 * Records `customer.customer.updated.v1` for every customer, with `changedFields: []` and its
 * current version (not the next one: nothing changes), so a copy that holds that version ignores
 * it and one that lacks the customer or holds an older version catches up — for the copies other
 * services keep (libs/reference-data CustomerCopyModule) that subscribed after customers existed.
 * Goes through the outbox like every event. Read by keyset on the id, one transaction per batch,
 * the identity map cleared after each: a customer changed meanwhile publishes its newer version itself.
 */
@Injectable()
export class CustomerRepublish {
  constructor(
    private readonly em: EntityManager,
    private readonly outbox: EventOutbox,
  ) {}

  async execute(changedBy: UserRef, batchSize = REPUBLISH_BATCH_SIZE): Promise<number> {
    const em = this.em.fork();
    let after: string | undefined;
    let republished = 0;
    for (;;) {
      const ids = await em.transactional(async (tx) => {
        const where: FilterQuery<Customer> = after === undefined ? {} : { id: { $gt: after } };
        const customers = await tx.find(Customer, where, { orderBy: { id: 'asc' }, limit: batchSize });
        for (const customer of customers) {
          const data = { ...customerSnapshot(customer), version: customer.version, changedFields: [], changedBy };
          this.outbox.record(tx, CustomerUpdatedV1, data, { subject: customer.id });
        }
        return customers.map((customer) => customer.id);
      });
      // The transaction's customers and outbox rows are merged into `em` when it commits.
      em.clear();
      republished += ids.length;
      if (ids.length < batchSize) return republished;
      after = ids[ids.length - 1];
    }
  }
}
