import { resolve } from 'node:path';
import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { DriverException, EntityManager, MikroORM, Options } from '@mikro-orm/core';
import { salesEntities, SalesNames } from '@crm/sales-system';
import { SalesSystemError, SalesSystemErrorCode } from './sales-system.errors';

export interface SalesDatabaseSettings {
  driver: 'sqlite' | 'postgresql' | 'mssql';
  /** SQLite file, or the database name on a server. */
  name: string;
  url?: string;
  schema?: string;
  poolMax: number;
  names: SalesNames;
  timeoutMs: number;
}

export const SALES_DATABASE_SETTINGS = Symbol('SALES_DATABASE_SETTINGS');

/** After a failed connection attempt, the next request waits this long before trying again (no storm on a down database). */
const RECONNECT_AFTER_MS = 2_000;

/**
 * The company's sales system, read through a MikroORM connection of its own, never written: its
 * entities are read-only (MikroORM refuses to persist them), SQLite is opened read-only, and in
 * production the URL is a login that may only SELECT. When it is down, slow or not in the
 * expected shape, a read fails with 503 SALES.UNAVAILABLE and nothing else in the service stops:
 * the bridge's own database, its events and its health do not depend on it.
 */
@Injectable()
export class SalesDatabase implements OnModuleDestroy {
  private readonly logger = new Logger('SalesDatabase');
  private orm?: Promise<MikroORM>;
  private failedAt = 0;

  constructor(@Inject(SALES_DATABASE_SETTINGS) private readonly settings: SalesDatabaseSettings) {}

  get names(): SalesNames {
    return this.settings.names;
  }

  /** Runs `work` on a fresh context of the sales database; any failure of the database itself is a 503. */
  async read<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    const orm = await this.connect();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new SalesSystemError(SalesSystemErrorCode.Unavailable, `The sales system did not answer within ${this.settings.timeoutMs} ms.`)),
        this.settings.timeoutMs,
      );
    });
    try {
      return await Promise.race([work(orm.em.fork()), timeout]);
    } catch (error) {
      throw this.unavailable(error);
    } finally {
      clearTimeout(timer);
    }
  }

  async onModuleDestroy(): Promise<void> {
    const orm = this.orm;
    this.orm = undefined;
    await orm?.then((o) => o.close(true)).catch(() => undefined);
  }

  private connect(): Promise<MikroORM> {
    if (!this.orm) {
      if (Date.now() - this.failedAt < RECONNECT_AFTER_MS) {
        return Promise.reject(new SalesSystemError(SalesSystemErrorCode.Unavailable, 'The sales system is not reachable; trying again shortly.'));
      }
      this.orm = MikroORM.init(this.options()).then(async (orm) => {
        // SQLite opens lazily; a server may refuse at the first query. Either way, find out now.
        await orm.em.getConnection().execute('select 1');
        return orm;
      });
      this.orm.catch((error: unknown) => {
        this.logger.warn(`sales system not reachable: ${error instanceof Error ? error.message : String(error)}`);
        this.failedAt = Date.now();
        this.orm = undefined;
      });
    }
    return this.orm.catch((error: unknown) => {
      throw this.unavailable(error);
    });
  }

  private unavailable(error: unknown): unknown {
    if (error instanceof SalesSystemError) return error;
    // A driver error (refused connection, missing table, lost login) is the sales system's state,
    // not the caller's fault; a bug of ours (TypeError, …) stays a 500.
    const fromDatabase = error instanceof DriverException || (error instanceof Error && /SQLITE_|ECONNREFUSED|ETIMEDOUT|ENOTFOUND|Login failed|unable to open/i.test(error.message));
    if (!fromDatabase) return error;
    this.logger.warn(`sales system read failed: ${(error as Error).message}`);
    return new SalesSystemError(SalesSystemErrorCode.Unavailable, 'The sales system is not available; order history, products and inventory cannot be read right now.');
  }

  private options(): Options {
    const { driver, name, url, schema, poolMax } = this.settings;
    /* eslint-disable @typescript-eslint/no-require-imports -- only the configured driver is loaded */
    const common: Partial<Options> = {
      entities: salesEntities(this.settings.names),
      // Its own name: MikroORM finds an EntityManager of the current request or transaction by
      // context name, and under the service's own ('default') a sales query ran on the wrong database.
      contextName: 'sales-system',
      allowGlobalContext: false,
      forceUtcTimezone: true,
      timezone: '+00:00',
      ensureDatabase: false,
      discovery: { warnWhenNoEntities: false },
    };
    switch (driver) {
      case 'sqlite':
        return {
          ...common,
          driver: require('@mikro-orm/sqlite').SqliteDriver,
          dbName: resolve(name),
          // better-sqlite3: never create the file, never write to it.
          driverOptions: { readonly: true, fileMustExist: true },
        } as Options;
      case 'postgresql':
      case 'mssql':
        return {
          ...common,
          driver: driver === 'postgresql' ? require('@mikro-orm/postgresql').PostgreSqlDriver : require('@mikro-orm/mssql').MsSqlDriver,
          clientUrl: url,
          dbName: name.endsWith('.sqlite') ? undefined : name,
          ...(schema ? { schema } : {}),
          pool: { min: 0, max: poolMax, idleTimeoutMillis: 30_000 },
        } as Options;
    }
    /* eslint-enable @typescript-eslint/no-require-imports */
  }
}
