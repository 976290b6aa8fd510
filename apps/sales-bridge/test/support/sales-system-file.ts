import { MikroORM } from '@mikro-orm/core';
import { SqliteDriver } from '@mikro-orm/sqlite';
import { salesDdl, salesEntities, salesNames, type SalesNames } from '@crm/sales-system';

/**
 * The other team's sales system as a SQLite file the test writes to as that team would: orders
 * inserted, statuses moved, lines changed — while the bridge only reads it.
 */
export class SalesSystemFile {
  private constructor(
    readonly file: string,
    readonly names: SalesNames,
    private readonly orm: MikroORM,
  ) {}

  static async create(file: string, names: SalesNames = salesNames()): Promise<SalesSystemFile> {
    const orm = await MikroORM.init({ driver: SqliteDriver, dbName: file, entities: salesEntities(names), allowGlobalContext: true, discovery: { warnWhenNoEntities: false } });
    for (const statement of salesDdl('sqlite', names)) await orm.em.getConnection().execute(statement);
    return new SalesSystemFile(file, names, orm);
  }

  private run(sql: string, params: unknown[]): Promise<unknown> {
    return this.orm.em.getConnection().execute(sql, params);
  }

  async product(id: number, name: string, price: string, unit = '台'): Promise<void> {
    const p = this.names.product;
    await this.run(
      `insert into "${p.table}" ("${p.id}", "${p.name}", "${p.model}", "${p.batch}", "${p.unit}", "${p.price}", "${p.memo}") values (?, ?, ?, ?, ?, ?, null)`,
      [id, name, `M-${id}`, `B-${id % 3}`, unit, price],
    );
  }

  async stock(id: number, product: number, warehouse: string, location: string, count: number): Promise<void> {
    const s = this.names.storage;
    await this.run(
      `insert into "${s.table}" ("${s.id}", "${s.product}", "${s.warehouse}", "${s.location}", "${s.count}", "${s.memo}") values (?, ?, ?, ?, ?, null)`,
      [id, product, warehouse, location, count],
    );
  }

  /** An order with its lines: [product, quantity, unit price]. */
  async order(id: number, customerNo: string, date: string, status: number, lines: [number, number, string][], address = '上海市浦东新区张江路 1 号'): Promise<void> {
    const o = this.names.orders;
    const l = this.names.orderLine;
    await this.orm.em.getConnection().transactional(async (trx) => {
      const connection = this.orm.em.getConnection();
      await connection.execute(
        `insert into "${o.table}" ("${o.id}", "${o.customerNo}", "${o.date}", "${o.deliveryAddress}", "${o.status}") values (?, ?, ?, ?, ?)`,
        [id, customerNo, date, address, status],
        'run',
        trx,
      );
      for (const [product, count, price] of lines) {
        await connection.execute(`insert into "${l.table}" ("${l.order}", "${l.product}", "${l.count}", "${l.unit}", "${l.price}") values (?, ?, ?, '台', ?)`, [id, product, count, price], 'run', trx);
      }
    });
  }

  async setStatus(id: number, status: number): Promise<void> {
    const o = this.names.orders;
    await this.run(`update "${o.table}" set "${o.status}" = ? where "${o.id}" = ?`, [status, id]);
  }

  async setLinePrices(orderId: number, price: string): Promise<void> {
    const l = this.names.orderLine;
    await this.run(`update "${l.table}" set "${l.price}" = ? where "${l.order}" = ?`, [price, orderId]);
  }

  close(): Promise<void> {
    return this.orm.close(true);
  }
}
