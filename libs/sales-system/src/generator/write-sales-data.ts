import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { MikroORM, type EntityManager, type Options } from '@mikro-orm/core';
import type { AbstractSqlConnection } from '@mikro-orm/sql';
import type { PostgreSqlDriver } from '@mikro-orm/postgresql';
import type { SqliteDriver } from '@mikro-orm/sqlite';
import { salesEntities } from '../sales-entities';
import type { SalesNames } from '../sales-names';
import { qualifiedSalesTable, quoteSalesIdentifier, salesIndexDdl, salesTableDdl, type SalesDialect } from '../schema/sales-ddl';
import { customerActivityPlan, generateSalesData, type CustomerActivityPlan, type GeneratedSalesData, type SalesDataOptions } from './sales-data';

/** An EntityManager or connection of a MikroORM SQL driver (SQLite, PostgreSQL, SQL Server). */
export type SalesDatabaseHandle = Pick<EntityManager, 'getConnection'> | AbstractSqlConnection;

export interface WriteSalesDataOptions {
  /** Orders per transaction (their lines go with them); default 2,000, about 7,000 rows. */
  batchSize?: number;
  /** The tables' schema (PostgreSQL, SQL Server); raw SQL does not get the ORM's default schema. */
  schema?: string;
  /**
   * SQLite only: no rollback journal and no fsync while loading (the defaults come back after).
   * Safe only for a file that is thrown away if the load fails (createSalesDatabase loads a new
   * file under a temporary name).
   */
  sqliteBulkPragmas?: boolean;
  onProgress?: (ordersWritten: number) => void;
}

export interface WrittenSalesData {
  products: number;
  storage: number;
  orders: number;
  lines: number;
}

/**
 * Inserts `generated` into existing, empty tables: multi-row INSERTs with the generated ids, one
 * transaction per batch of orders. It creates nothing (see createSalesDatabase), and must not be
 * called inside a transaction of the same connection.
 */
export async function writeSalesData(
  handle: SalesDatabaseHandle,
  names: SalesNames,
  dialect: SalesDialect,
  generated: GeneratedSalesData,
  options: WriteSalesDataOptions = {},
): Promise<WrittenSalesData> {
  const connection = sqlConnection(handle);
  const writer = new TableWriter(connection, names, dialect, options.schema);
  if (dialect === 'sqlite' && options.sqliteBulkPragmas) {
    for (const pragma of ['pragma journal_mode = off', 'pragma synchronous = off', 'pragma temp_store = memory']) await connection.execute(pragma);
  }
  // A bigger page cache only costs memory, and only this connection's.
  if (dialect === 'sqlite') await connection.execute('pragma cache_size = -65536');
  const written: WrittenSalesData = { products: generated.products.length, storage: generated.storage.length, orders: 0, lines: 0 };
  await writer.inTransaction([...writer.statements('product', generated.products), ...writer.statements('storage', generated.storage)]);
  for (const batch of generated.orderBatches(options.batchSize ?? 2000)) {
    await writer.inTransaction([...writer.statements('orders', batch.orders), ...writer.statements('orderLine', batch.lines)]);
    written.orders += batch.orders.length;
    written.lines += batch.lines.length;
    options.onProgress?.(written.orders);
  }
  if (dialect === 'sqlite' && options.sqliteBulkPragmas) {
    for (const pragma of ['pragma journal_mode = delete', 'pragma synchronous = full']) await connection.execute(pragma);
  }
  if (dialect === 'postgresql') await writer.advanceIdentities();
  return written;
}

interface Statement {
  sql: string;
  params: unknown[];
}

type TableKey = keyof SalesNames;

class TableWriter {
  private readonly placeholders = new Map<string, string>();
  private readonly unicode: ((text: string) => unknown) | null;

  constructor(
    private readonly connection: AbstractSqlConnection,
    private readonly names: SalesNames,
    private readonly dialect: SalesDialect,
    private readonly schema: string | undefined,
  ) {
    // Chinese text in a plain '…' literal would be squeezed through the server's code page.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand: only SQL Server needs it
    const UnicodeString = dialect === 'mssql' ? (require('@mikro-orm/mssql').UnicodeString as new (text: string) => unknown) : null;
    this.unicode = UnicodeString ? (text) => new UnicodeString(text) : null;
  }

  /** INSERTs of rows of a table, keyed by the SalesNames column keys; other keys (a line's amount) are not written. */
  statements(table: TableKey, rows: readonly object[]): Statement[] {
    const columns = this.columns(table);
    const perStatement = rowsPerStatement(this.dialect, columns.length);
    const list = columns.map(([, name]) => quoteSalesIdentifier(this.dialect, name)).join(', ');
    const target = qualifiedSalesTable(this.dialect, this.names[table].table, this.schema);
    const statements: Statement[] = [];
    for (let start = 0; start < rows.length; start += perStatement) {
      const chunk = rows.slice(start, start + perStatement);
      const params: unknown[] = [];
      for (const row of chunk) {
        for (const [key] of columns) params.push(this.value((row as Record<string, unknown>)[key]));
      }
      let sql = `insert into ${target} (${list}) values ${this.valuesList(chunk.length, columns.length)}`;
      // The generated ids are the sales system's own order numbers, so they go in as they are.
      if (this.dialect === 'mssql') sql = `set identity_insert ${target} on; ${sql}; set identity_insert ${target} off`;
      statements.push({ sql, params });
    }
    return statements;
  }

  /**
   * Runs the statements in one transaction. On SQLite as one script: MikroORM's `execute` has
   * better-sqlite3 prepare every statement, and a prepared statement's native memory is only
   * freed with the connection (RSS grew by 1.5 GB over a million orders); a script is run by
   * sqlite3_exec, which finalises each statement. The values are still escaped by MikroORM.
   */
  async inTransaction(statements: readonly Statement[]): Promise<void> {
    if (this.dialect !== 'sqlite') {
      await this.connection.transactional(async (trx) => {
        for (const { sql, params } of statements) await this.connection.execute(sql, params, 'run', trx);
      });
      return;
    }
    const platform = this.connection.getPlatform();
    try {
      await this.connection.executeDump(['begin', ...statements.map(({ sql, params }) => platform.formatQuery(sql, params)), 'commit'].join(';\n'));
    } catch (error) {
      await this.connection.executeDump('rollback').catch(() => undefined);
      throw error;
    }
  }

  /** PostgreSQL's identity sequences do not see explicit ids: move them past the data, so later inserts get new numbers. */
  async advanceIdentities(): Promise<void> {
    for (const table of ['product', 'storage', 'orders', 'orderLine'] as const) {
      const id = quoteSalesIdentifier(this.dialect, this.names[table].id);
      const target = qualifiedSalesTable(this.dialect, this.names[table].table, this.schema);
      await this.connection.execute(`select setval(pg_get_serial_sequence(?, ?), m) from (select max(${id}) as m from ${target}) as t where m is not null`, [
        target,
        this.names[table].id,
      ]);
    }
  }

  private columns(table: TableKey): [string, string][] {
    return Object.entries(this.names[table]).filter(([key]) => key !== 'table');
  }

  private value(value: unknown): unknown {
    return typeof value === 'string' && this.unicode ? this.unicode(value) : (value ?? null);
  }

  private valuesList(rows: number, columns: number): string {
    const key = `${rows}x${columns}`;
    let text = this.placeholders.get(key);
    if (!text) {
      const row = `(${Array.from({ length: columns }, () => '?').join(', ')})`;
      text = Array.from({ length: rows }, () => row).join(', ');
      this.placeholders.set(key, text);
    }
    return text;
  }
}

/**
 * Rows per INSERT. SQL Server takes at most 1,000 rows in a VALUES list and 2,100 parameters a
 * request (MikroORM 7 writes values into the text, but a driver that binds them must still fit);
 * the others take more, but longer statements stop paying off around a few hundred rows.
 */
export function rowsPerStatement(dialect: SalesDialect, columns: number): number {
  if (dialect === 'mssql') return Math.min(1000, Math.floor(2099 / columns));
  return 500;
}

function sqlConnection(handle: SalesDatabaseHandle): AbstractSqlConnection {
  const connection = ('getConnection' in handle ? handle.getConnection() : handle) as AbstractSqlConnection;
  if (typeof connection.transactional !== 'function' || typeof connection.execute !== 'function') {
    throw new TypeError('the sales data is written through a MikroORM SQL driver (SQLite, PostgreSQL or SQL Server)');
  }
  return connection;
}

/** Where createSalesDatabase makes the sales database. */
export type SalesDatabaseTarget = { driver: 'sqlite'; file: string } | { driver: 'postgresql'; url: string; schema: string };

export interface CreateSalesDatabaseOptions extends SalesDataOptions {
  batchSize?: number;
  onProgress?: (ordersWritten: number) => void;
}

export interface CreatedSalesDatabase {
  /** Null when orders were there already and nothing was written. */
  written: WrittenSalesData | null;
  plan: CustomerActivityPlan;
  milliseconds: number;
}

/**
 * A sales database of the spec's shape with the generated data: the embedded default for
 * development and demos, and the database of tests and benchmarks. Makes the tables when none of
 * them are there, writes the data unless orders are there already (so it can run at every start),
 * then adds the indexes. A new SQLite file is loaded under a temporary name and renamed when
 * complete, so an interrupted load leaves no half-filled file behind; on PostgreSQL an
 * interrupted load leaves the orders written so far, and the schema must be dropped to retry.
 */
export async function createSalesDatabase(target: SalesDatabaseTarget, names: SalesNames, options: CreateSalesDatabaseOptions): Promise<CreatedSalesDatabase> {
  const started = Date.now();
  const dialect: SalesDialect = target.driver;
  const schema = target.driver === 'postgresql' ? target.schema : undefined;
  const file = target.driver === 'sqlite' ? resolve(target.file) : undefined;
  const loadingFile = file && !existsSync(file) ? `${file}.${process.pid}.partial` : undefined;
  if (file) mkdirSync(dirname(file), { recursive: true });
  const orm = await MikroORM.init(salesOrmOptions(target, names, loadingFile));
  try {
    const connection = orm.em.getConnection() as unknown as AbstractSqlConnection;
    const present = await presentTables(connection, dialect, names, schema);
    if (present === 'some') throw new Error(`the sales database has some of the tables ${tableList(names)} but not all: it is not one this code made`);
    if (present === 'none') {
      if (schema) await connection.execute(`create schema if not exists ${quoteSalesIdentifier(dialect, schema)}`);
      for (const statement of salesTableDdl(dialect, names, schema)) await connection.execute(statement);
    }
    const anyOrder = await connection.execute(`select 1 as found from ${qualifiedSalesTable(dialect, names.orders.table, schema)} limit 1`);
    let written: WrittenSalesData | null = null;
    if (anyOrder.length === 0) {
      written = await writeSalesData(connection, names, dialect, generateSalesData(options), {
        batchSize: options.batchSize,
        schema,
        sqliteBulkPragmas: loadingFile !== undefined,
        onProgress: options.onProgress,
      });
    }
    // After the load: building an index once is faster than keeping it up to date row by row.
    for (const statement of salesIndexDdl(dialect, names, schema)) await connection.execute(statement);
    if (written) await connection.execute('analyze');
    await orm.close();
    if (loadingFile && file) renameSync(loadingFile, file);
    return { written, plan: customerActivityPlan(options), milliseconds: Date.now() - started };
  } catch (error) {
    await orm.close();
    if (loadingFile) rmSync(loadingFile, { force: true });
    throw error;
  }
}

/* eslint-disable @typescript-eslint/no-require-imports -- loaded on demand, as in @crm/persistence's orm-options */
const drivers = {
  sqlite: (): typeof SqliteDriver => require('@mikro-orm/sqlite').SqliteDriver,
  postgresql: (): typeof PostgreSqlDriver => require('@mikro-orm/postgresql').PostgreSqlDriver,
};
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * A minimal MikroORM configuration for the sales database alone: its four read-only entities and
 * nothing of a service's (no migrations, no outbox). `file` overrides the SQLite file.
 */
export function salesOrmOptions(target: SalesDatabaseTarget, names: SalesNames, file?: string): Partial<Options> {
  const common = { entities: salesEntities(names), allowGlobalContext: false, debug: false, ensureDatabase: false } satisfies Partial<Options>;
  if (target.driver === 'sqlite') return { ...common, driver: drivers.sqlite(), dbName: file ?? resolve(target.file) };
  return { ...common, driver: drivers.postgresql(), clientUrl: target.url, schema: target.schema, pool: { min: 0, max: 2 } };
}

async function presentTables(connection: AbstractSqlConnection, dialect: SalesDialect, names: SalesNames, schema?: string): Promise<'none' | 'some' | 'all'> {
  const tables = [names.product.table, names.storage.table, names.orders.table, names.orderLine.table];
  const marks = tables.map(() => '?').join(', ');
  const rows =
    dialect === 'sqlite'
      ? await connection.execute(`select name from sqlite_master where type = 'table' and name in (${marks})`, tables)
      : await connection.execute(`select table_name as name from information_schema.tables where table_schema = ? and table_name in (${marks})`, [schema ?? 'public', ...tables]);
  return rows.length === 0 ? 'none' : rows.length === tables.length ? 'all' : 'some';
}

function tableList(names: SalesNames): string {
  return [names.product.table, names.storage.table, names.orders.table, names.orderLine.table].join(', ');
}
