import { Inject, Injectable, Logger } from '@nestjs/common';
import { EntityManager, MikroORM } from '@mikro-orm/core';
import { orderStatusOf, SalesOrderRecordedV1 } from '@crm/contracts';
import { EventOutbox } from '@crm/messaging';
import { fromCents } from '../sales-db/money';
import { SalesDatabase } from '../sales-db/sales-database';
import { CUSTOMER_NO_LENGTH, ObservedOrder, OrderSnapshot } from './order-snapshot.entity';
import { OrderReader } from './order-reader';
import { SyncCursor } from './sync-cursor.entity';

export const ORDER_SYNC_BATCH = Symbol('ORDER_SYNC_BATCH');

export interface PollResult {
  /** Orders read from the sales system in this poll. */
  compared: number;
  /** Events recorded: new orders, and orders that changed. */
  published: number;
  /** True when the new-orders step filled its batch: more new orders wait (a first sync). */
  behind: boolean;
}

/**
 * Finds new and changed orders in the sales system, which has no change timestamps, and records
 * `sales.order.recorded.v1` for each through the outbox. One poll does bounded work, three
 * batches at most (only the first while it comes back full):
 *  1. new orders: keys above the highest one seen (the usual case, found at once);
 *  2. the live sweep: orders not yet paid, compared again in key order (status moves 1 → 6);
 *  3. the full sweep: every order up to the highest seen, in key order, wrapping around — it
 *     finds what the other two cannot: an order committed late under a lower key, and changes to
 *     paid orders.
 * Each batch's snapshots, events and cursor commit in one transaction of the bridge's own
 * database: a restart resumes where the last commit left off, an order is never missed, and a
 * change is recorded once (a batch that did not commit is compared again and recorded then).
 */
@Injectable()
export class OrderSync {
  private readonly logger = new Logger('OrderSync');
  /** Orders already reported as skipped (each is met again at every sweep): said once per process, bounded. */
  private readonly skipped = new Set<number>();

  constructor(
    private readonly orm: MikroORM,
    private readonly sales: SalesDatabase,
    private readonly outbox: EventOutbox,
    @Inject(ORDER_SYNC_BATCH) private readonly batch: number,
  ) {}

  async poll(now = new Date()): Promise<PollResult> {
    const result: PollResult = { compared: 0, published: 0, behind: false };
    const add = (step: { compared: number; published: number; full: boolean }) => {
      result.compared += step.compared;
      result.published += step.published;
      result.behind ||= step.full;
    };
    add(await this.newOrders(now));
    // While new orders come in full batches (a first sync), the sweeps would only compare what was
    // just recorded: they wait until the new orders are caught up.
    if (result.behind) return result;
    add(await this.liveSweep(now));
    add(await this.fullSweep(now));
    return result;
  }

  private async newOrders(now: Date) {
    const highest = await this.highestSeen();
    const orders = await this.sales.read((em) => new OrderReader(em).range(highest, this.batch));
    const published = await this.commit(orders, now);
    return { compared: orders.length, published, full: orders.length === this.batch };
  }

  private async liveSweep(now: Date) {
    const em = this.orm.em.fork();
    const cursor = await this.cursor(em, 'live');
    const live = await em.find(OrderSnapshot, { live: true, orderId: { $gt: cursor.position } }, { orderBy: { orderId: 'asc' }, limit: this.batch, fields: ['orderId'] });
    const ids = live.map((snapshot) => snapshot.orderId);
    const orders = await this.sales.read((salesEm) => new OrderReader(salesEm).byIds(ids));
    const full = ids.length === this.batch;
    const published = await this.commit(orders, now, { name: 'live', position: full ? ids[ids.length - 1] : 0 });
    // A sweep is never "behind": it moves a batch per poll, so a status change is seen within
    // (live orders ÷ batch) polls — polling it flat out would only burn both databases' time.
    return { compared: orders.length, published, full: false };
  }

  private async fullSweep(now: Date) {
    const em = this.orm.em.fork();
    const cursor = await this.cursor(em, 'full');
    const highest = await this.highestSeen();
    const orders = await this.sales.read((salesEm) => new OrderReader(salesEm).range(cursor.position, this.batch, highest));
    const full = orders.length === this.batch;
    const published = await this.commit(orders, now, { name: 'full', position: full ? orders[orders.length - 1].orderId : 0 });
    return { compared: orders.length, published, full: false };
  }

  /** Snapshots, events and the cursor's new position in one transaction. Returns the events recorded. */
  private async commit(orders: ObservedOrder[], now: Date, cursorMove?: { name: string; position: number }): Promise<number> {
    if (orders.length === 0 && !cursorMove) return 0;
    return this.orm.em.fork().transactional(async (em) => {
      let published = 0;
      if (orders.length) {
        const known = await this.snapshots(em, orders.map((order) => order.orderId));
        for (const order of orders) {
          // No CRM customer has such a number: the order can concern no one here, and keeping it
          // would fail the batch at every poll — the sync would stall on one row of foreign data.
          if (!order.customerNo || order.customerNo.length > CUSTOMER_NO_LENGTH) {
            if (!this.skipped.has(order.orderId) && this.skipped.size < 1_000) {
              this.skipped.add(order.orderId);
              this.logger.warn(`order ${order.orderId} skipped: customer number "${order.customerNo.slice(0, 40)}" is no CRM customer number`);
            }
            continue;
          }
          let snapshot = known.get(order.orderId);
          if (!snapshot) {
            snapshot = new OrderSnapshot(order.orderId, order, now);
            em.persist(snapshot);
          } else if (!snapshot.observe(order, now)) {
            continue;
          }
          this.record(em, order, snapshot.version, now);
          published++;
        }
      }
      if (cursorMove) {
        const cursor = await this.cursor(em, cursorMove.name);
        if (cursorMove.position === 0 && cursor.position !== 0) cursor.passes += 1;
        cursor.position = cursorMove.position;
        cursor.updatedAt = now;
      }
      return published;
    });
  }

  private record(em: EntityManager, order: ObservedOrder, version: number, now: Date): void {
    this.outbox.record(
      em,
      SalesOrderRecordedV1,
      {
        orderId: String(order.orderId),
        version,
        orderNo: String(order.orderId),
        customerNo: order.customerNo,
        orderDate: order.orderDate,
        statusCode: order.statusCode,
        status: orderStatusOf(order.statusCode),
        deliveryAddress: order.deliveryAddress,
        totalAmount: fromCents(order.totalCents),
        lineCount: order.lineCount,
        observedAt: now.toISOString(),
      },
      { subject: String(order.orderId) },
    );
  }

  /** The snapshots of these orders, by key: the live sweep's keys are scattered, so by key, 1,000 at a time (SQL Server's parameter limit). */
  private async snapshots(em: EntityManager, ids: number[]): Promise<Map<number, OrderSnapshot>> {
    const known = new Map<number, OrderSnapshot>();
    for (let start = 0; start < ids.length; start += 1_000) {
      for (const snapshot of await em.find(OrderSnapshot, { orderId: { $in: ids.slice(start, start + 1_000) } })) known.set(snapshot.orderId, snapshot);
    }
    return known;
  }

  private async highestSeen(): Promise<number> {
    const [row] = await this.orm.em.fork().find(OrderSnapshot, {}, { orderBy: { orderId: 'desc' }, limit: 1, fields: ['orderId'] });
    return row?.orderId ?? 0;
  }

  private async cursor(em: EntityManager, name: string): Promise<SyncCursor> {
    const cursor = await em.findOne(SyncCursor, { name });
    if (cursor) return cursor;
    const created = new SyncCursor(name);
    em.persist(created);
    return created;
  }
}
