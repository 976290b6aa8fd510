import { createHash } from 'node:crypto';
import type { EntityManager, FilterQuery } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { SalesOrder, SalesOrderLine } from '@crm/sales-system';
import { toCents } from '../sales-db/money';
import { calendarDate } from '../sales-db/calendar-date';
import type { ObservedOrder } from './order-snapshot.entity';

/** An order as read, without an entity: a sweep compares thousands a poll and keeps none. */
interface OrderRow {
  id: number;
  customerNo: string;
  date: string | Date;
  deliveryAddress: string | null;
  status: number;
}

interface LineRow {
  id: number;
  order: number;
  product: number;
  count: number;
  unit: string | null;
  price: string | number;
}

const KEYS_PER_QUERY = 1_000;

/**
 * Reads orders of the sales system with their lines summed up and digested: a batch is two
 * indexed queries (orders by key, their lines by order key), or two per 1,000 scattered keys.
 */
export class OrderReader {
  constructor(private readonly em: EntityManager) {}

  /** Orders with keys above `after` (and at most `upTo`), in key order. */
  async range(after: number, limit: number, upTo?: number): Promise<ObservedOrder[]> {
    const where: FilterQuery<SalesOrder> = upTo === undefined ? { id: { $gt: after } } : { id: { $gt: after, $lte: upTo } };
    const orders = await this.orders(where, limit);
    if (orders.length === 0) return [];
    // Consecutive keys: one range read of their lines (the lines' order index), whatever the batch size.
    const lines = await this.lines({ $gte: orders[0].id, $lte: orders[orders.length - 1].id });
    return observeAll(orders, lines);
  }

  /** These orders (those that still exist), in key order: scattered keys, read by key. */
  async byIds(ids: number[]): Promise<ObservedOrder[]> {
    const orders: OrderRow[] = [];
    const lines: LineRow[] = [];
    // A range over scattered keys would read every line between them; SQL Server takes at most
    // 2,100 parameters, so the keys go in chunks.
    for (let start = 0; start < ids.length; start += KEYS_PER_QUERY) {
      const chunk = ids.slice(start, start + KEYS_PER_QUERY);
      orders.push(...(await this.orders({ id: { $in: chunk } })));
      lines.push(...(await this.lines({ $in: chunk })));
    }
    return observeAll(orders, lines);
  }

  private async orders(where: FilterQuery<SalesOrder>, limit?: number): Promise<OrderRow[]> {
    const query = (this.em as SqlEntityManager)
      .createQueryBuilder(SalesOrder, 'o')
      .select(['o.id', 'o.customerNo', 'o.date', 'o.deliveryAddress', 'o.status'])
      .where(where as never)
      .orderBy({ id: 'asc' });
    if (limit !== undefined) query.limit(limit);
    const rows = (await query.execute('all', true)) as unknown as OrderRow[];
    return rows.map((row) => ({ ...row, id: Number(row.id), status: Number(row.status) }));
  }

  private async lines(order: { $gte: number; $lte: number } | { $in: number[] }): Promise<LineRow[]> {
    return (await (this.em as SqlEntityManager)
      .createQueryBuilder(SalesOrderLine, 'l')
      .select(['l.id', 'l.order', 'l.product', 'l.count', 'l.unit', 'l.price'])
      .where({ order })
      .execute('all', true)) as unknown as LineRow[];
  }
}

function observeAll(orders: OrderRow[], rows: LineRow[]): ObservedOrder[] {
  const linesOf = new Map<number, LineRow[]>();
  for (const row of rows) {
    const order = Number(row.order);
    const lines = linesOf.get(order) ?? [];
    lines.push(row);
    linesOf.set(order, lines);
  }
  return orders.map((order) => observed(order, linesOf.get(order.id) ?? []));
}

function observed(order: OrderRow, lines: LineRow[]): ObservedOrder {
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
