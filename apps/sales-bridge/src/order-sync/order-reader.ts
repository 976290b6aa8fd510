import { createHash } from 'node:crypto';
import type { EntityManager, FilterQuery } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { SalesOrder, SalesOrderLine } from '@crm/sales-system';
import { toCents } from '../sales-db/money';
import { calendarDate } from '../orders/orders.service';
import type { ObservedOrder } from './order-snapshot.entity';

interface LineRow {
  id: number;
  order: number;
  product: number;
  count: number;
  unit: string | null;
  price: string | number;
}

/**
 * Reads orders of the sales system with their lines summed up and digested: a batch is two
 * indexed queries (orders by key, their lines by order key), whatever its size.
 */
export class OrderReader {
  constructor(private readonly em: EntityManager) {}

  /** Orders with keys above `after` (and at most `upTo`), in key order. */
  async range(after: number, limit: number, upTo?: number): Promise<ObservedOrder[]> {
    const where: FilterQuery<SalesOrder> = upTo === undefined ? { id: { $gt: after } } : { id: { $gt: after, $lte: upTo } };
    return this.observe(await this.em.find(SalesOrder, where, { orderBy: { id: 'asc' }, limit }));
  }

  /** These orders (those that still exist), in key order. */
  async byIds(ids: number[]): Promise<ObservedOrder[]> {
    if (ids.length === 0) return [];
    return this.observe(await this.em.find(SalesOrder, { id: { $in: ids } }, { orderBy: { id: 'asc' } }));
  }

  private async observe(orders: SalesOrder[]): Promise<ObservedOrder[]> {
    if (orders.length === 0) return [];
    const first = orders[0].id;
    const last = orders[orders.length - 1].id;
    // One range read of the lines (the lines' order index), not an IN list: SQL Server takes at
    // most 2,100 parameters, and a range serves a sparse batch as well.
    const rows = (await (this.em as SqlEntityManager)
      .createQueryBuilder(SalesOrderLine, 'l')
      .select(['l.id', 'l.order', 'l.product', 'l.count', 'l.unit', 'l.price'])
      .where({ order: { $gte: first, $lte: last } })
      .execute('all', true)) as unknown as LineRow[];
    const linesOf = new Map<number, LineRow[]>();
    for (const row of rows) {
      const order = Number(row.order);
      const lines = linesOf.get(order) ?? [];
      lines.push(row);
      linesOf.set(order, lines);
    }
    return orders.map((order) => observed(order, linesOf.get(order.id) ?? []));
  }
}

function observed(order: SalesOrder, lines: LineRow[]): ObservedOrder {
  lines.sort((a, b) => Number(a.id) - Number(b.id));
  let totalCents = 0;
  const digestLines = lines.map((line) => {
    const priceCents = toCents(line.price);
    totalCents += Number(line.count) * priceCents;
    return [Number(line.id), Number(line.product), Number(line.count), priceCents, line.unit];
  });
  const orderDate = calendarDate(order.date);
  const digest = createHash('sha1')
    .update(JSON.stringify([order.customerNo, orderDate, order.status, order.deliveryAddress, digestLines]))
    .digest('hex');
  return {
    orderId: order.id,
    customerNo: order.customerNo,
    orderDate,
    statusCode: order.status,
    deliveryAddress: order.deliveryAddress,
    totalCents,
    lineCount: lines.length,
    digest,
  };
}
