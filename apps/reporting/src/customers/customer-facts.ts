import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/core';
import type { CustomerCreatedV1, CustomerUpdatedV1, EventData } from '@crm/contracts';
import { COMPOSITION_DIMENSIONS, CompositionCount, type CompositionDimension, UNSET_ITEM } from '../composition/composition-count.entity';
import { CounterMoves } from '../read-models/counters';
import { assertFits, LENGTH } from '../read-models/lengths';
import { replaceIfNewer } from '../read-models/versioned-fact';
import { CustomerFact } from './customer-fact.entity';

type CustomerSnapshot = EventData<typeof CustomerCreatedV1> | EventData<typeof CustomerUpdatedV1>;
type Composed = Pick<CustomerFact, 'status' | 'level' | 'credit' | 'satisfaction'>;

/** A dimension's item of a customer as the composition keys it (an unset value is UNSET_ITEM). */
export function compositionItem(customer: Composed, dimension: CompositionDimension): string {
  const value = customer[dimension];
  return value === null || value === undefined ? UNSET_ITEM : String(value);
}

/**
 * customer.customer.created|updated.v1 → the customer's fact (its number and name for the
 * contribution report) and the composition it makes: a normal customer counts once in each
 * dimension under its item; a newer version moves it between items, or out when it is no longer
 * normal (churned, deleted).
 */
@Injectable()
export class CustomerFacts {
  async apply(em: EntityManager, snapshot: CustomerSnapshot): Promise<void> {
    const { customerId, customerNo, name, manager, level } = snapshot;
    assertFits(`customer ${customerId.slice(0, 60)}`, {
      customerId: [customerId, LENGTH.id],
      customerNo: [customerNo, LENGTH.customerNo],
      name: [name, LENGTH.name],
      managerId: [manager.id, LENGTH.id],
      managerName: [manager.name, LENGTH.name],
      level: [level, LENGTH.item],
    });
    const fact = {
      customerNo,
      name,
      managerId: manager.id,
      managerName: manager.name,
      level,
      credit: snapshot.credit,
      satisfaction: snapshot.satisfaction,
      status: snapshot.status,
    };
    const change = await replaceIfNewer(em, CustomerFact, { customerId }, snapshot.version, fact);
    if (change.outcome === 'stale') return;
    await compositionMoves(change.previous, fact).apply(em);
  }
}

export function compositionMoves(before: Composed | null, after: Composed): CounterMoves<CompositionCount> {
  const moves = new CounterMoves({ entity: CompositionCount, count: 'customers' });
  for (const [customer, sign] of [
    [before, -1],
    [after, 1],
  ] as const) {
    if (customer?.status !== 'normal') continue;
    for (const dimension of COMPOSITION_DIMENSIONS) moves.add({ dimension, item: compositionItem(customer, dimension) }, { customers: 1 }, sign);
  }
  return moves;
}
