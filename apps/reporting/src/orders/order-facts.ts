import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/core';
import type { EventData, SalesOrderRecordedV1 } from '@crm/contracts';
import { ALL_YEARS, CustomerContribution } from '../contribution/customer-contribution.entity';
import { CounterMoves } from '../read-models/counters';
import { assertFits, LENGTH } from '../read-models/lengths';
import { replaceIfNewer } from '../read-models/versioned-fact';
import { OrderFact } from './order-fact.entity';

type OrderRecorded = EventData<typeof SalesOrderRecordedV1>;
type Counted = Pick<OrderFact, 'customerNo' | 'orderYear' | 'amountCents' | 'counted'>;

/** Shipped and paid orders are the contract's order history (requirements §2.4): what contribution counts. */
const COUNTED_STATUSES = new Set(['shipped', 'paid']);

/** The event's order as its fact: whole cents (the contract's total is yuan rounded to cents). */
export function orderFactOf(order: OrderRecorded): Omit<OrderFact, 'orderId' | 'sourceVersion'> {
  return {
    customerNo: order.customerNo,
    orderYear: Number(order.orderDate.slice(0, 4)),
    status: order.status,
    amountCents: Math.round(order.totalAmount * 100),
    counted: COUNTED_STATUSES.has(order.status),
  };
}

/**
 * sales.order.recorded.v1 → the order's fact and the contribution it makes. A newer version
 * replaces what the order counted for (its customer number, year, amount, whether it counts) by
 * what it counts for now: the old contribution is taken from its rows and the new one added, so
 * shipped → paid with the same total changes nothing, and an older version or a redelivery is
 * ignored (versioned fact, inbox).
 */
@Injectable()
export class OrderFacts {
  async apply(em: EntityManager, order: OrderRecorded): Promise<void> {
    assertFits(`order ${order.orderId.slice(0, 60)}`, { orderId: [order.orderId, LENGTH.id], customerNo: [order.customerNo, LENGTH.customerNo] });
    const fact = orderFactOf(order);
    const change = await replaceIfNewer(em, OrderFact, { orderId: order.orderId }, order.version, fact);
    if (change.outcome === 'stale') return;
    await contributionMoves(change.previous, fact).apply(em);
  }
}

/** What an order's change does to the contribution rows: its year's and its all-years row, before and after. */
export function contributionMoves(before: Counted | null, after: Counted): CounterMoves<CustomerContribution> {
  const moves = new CounterMoves({ entity: CustomerContribution, count: 'orderCount' });
  for (const [fact, sign] of [
    [before, -1],
    [after, 1],
  ] as const) {
    if (!fact?.counted) continue;
    for (const year of [fact.orderYear, ALL_YEARS]) {
      moves.add({ customerNo: fact.customerNo, year }, { totalCents: fact.amountCents, orderCount: 1 }, sign);
    }
  }
  return moves;
}
