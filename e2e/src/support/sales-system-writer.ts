import { MikroORM } from '@mikro-orm/core';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { salesEntities, salesNames } from '@crm/sales-system';

/**
 * The other team at work on the stand-in sales system (a PostgreSQL schema of a server the test
 * owns): what the CRM must notice without being told — a status moving on, a new order — written
 * as that team's system would.
 */
export class SalesSystemWriter {
  private constructor(
    private readonly orm: MikroORM,
    private readonly schema: string,
  ) {}

  static async open(url: string, schema: string): Promise<SalesSystemWriter> {
    const orm = await MikroORM.init({ driver: PostgreSqlDriver, clientUrl: url, schema, entities: salesEntities(salesNames()), allowGlobalContext: true, contextName: 'sales-writer' });
    return new SalesSystemWriter(orm, schema);
  }

  private table(name: string): string {
    return `"${this.schema}"."${name}"`;
  }

  async setStatus(orderId: number, status: number): Promise<void> {
    await this.orm.em.getConnection().execute(`update ${this.table('orders')} set "status" = ? where "id" = ?`, [status, orderId]);
  }

  /** A new order (the next number) of one line, dated `date`; returns its number. */
  async newOrder(customerNo: string, date: string, status: number): Promise<number> {
    const connection = this.orm.em.getConnection();
    const [{ next }] = await connection.execute<{ next: number }[]>(`select max("id") + 1 as next from ${this.table('orders')}`);
    const [{ product, price }] = await connection.execute<{ product: number; price: string }[]>(`select "id" as product, "price" as price from ${this.table('product')} order by "id" limit 1`);
    await connection.execute(`insert into ${this.table('orders')} ("id", "customer_no", "date", "delivery_address", "status") values (?, ?, ?, ?, ?)`, [
      next,
      customerNo,
      date,
      '北京市海淀区中关村大街 1 号',
      status,
    ]);
    await connection.execute(`insert into ${this.table('orders_line')} ("id", "order_id", "product_id", "count", "unit", "price") values ((select coalesce(max("id"), 0) + 1 from ${this.table('orders_line')}), ?, ?, ?, ?, ?)`, [
      next,
      product,
      3,
      '台',
      price,
    ]);
    return Number(next);
  }

  /** Rows of `sql`, where `{orders}`, `{orders_line}` … name the tables. */
  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.orm.em.getConnection().execute<T[]>(sql.replace(/\{(\w+)\}/g, (_, name: string) => this.table(name)), params);
  }

  close(): Promise<void> {
    return this.orm.close(true);
  }
}
