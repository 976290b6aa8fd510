import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { EntityClass, EntityMetadata, EntitySchema, Options } from '@mikro-orm/core';
import { ReflectMetadataProvider } from '@mikro-orm/decorators/legacy';
import { Migrator } from '@mikro-orm/migrations';
import type { MsSqlDriver } from '@mikro-orm/mssql';
import type { PostgreSqlDriver } from '@mikro-orm/postgresql';
import type { SqliteDriver } from '@mikro-orm/sqlite';
import type { DbDriverName, MigrationsForService } from './migrations/migrations-for-service';
import { PersistenceError, PersistenceErrorCode } from './persistence.errors';
import { schemaNameFor } from './schema-name';
import { checkTextIndexDeclaration, declareTrigramIndexes, TEXT_INDEX_TABLES, TEXT_INDEX_VIEWS } from './text-search/text-index';

/** Exactly the `databaseEnv` fragment of @crm/config, parsed. */
export interface DatabaseSettings {
  DB_DRIVER: DbDriverName;
  DB_NAME?: string;
  DB_URL?: string;
  DB_SCHEMA?: string;
  DB_DEBUG?: boolean;
  /** Connections per process (PostgreSQL, SQL Server); event handlers may use at most half. */
  DB_POOL_MAX?: number;
}

export type ServiceEntity = EntityClass<object> | EntitySchema;

export interface ServiceOrmInput {
  /** Service name; names the SQLite file and the default schema. */
  service: string;
  entities: ServiceEntity[];
  db: DatabaseSettings;
  migrations?: MigrationsForService;
}

export const MIGRATIONS_TABLE = 'mikro_orm_migrations';

/**
 * The one MikroORM configuration of a service. The same options serve the HTTP process, the
 * migrate step and the tests, so what is tested is what runs.
 */
export function createOrmOptions(input: ServiceOrmInput): Partial<Options> {
  const { service, entities, db, migrations } = input;
  const common: Partial<Options> = {
    entities,
    metadataProvider: ReflectMetadataProvider,
    // Each request / consumer / job forks its own context; a shared global one leaks identity maps.
    allowGlobalContext: false,
    forceUtcTimezone: true,
    timezone: '+00:00',
    debug: db.DB_DEBUG ?? false,
    // Databases and schemas are created by the migrate step, never as a side effect of booting.
    ensureDatabase: false,
    extensions: [Migrator],
    migrations: {
      tableName: MIGRATIONS_TABLE,
      migrationsList: migrations?.[db.DB_DRIVER] ?? [],
      transactional: true,
      allOrNothing: true,
      // Snapshots would be written next to compiled code at run time; diffs come from the database.
      snapshot: false,
      silent: true,
    },
    // Text indexes are made by hand-written migrations (FTS5 tables, views and triggers on SQLite;
    // see text-search/text-index.ts): the schema diff must neither drop them nor trip over them.
    schemaGenerator: { skipTables: [TEXT_INDEX_TABLES], skipViews: [TEXT_INDEX_VIEWS], ignoreTriggers: true },
  };
  // Only the configured driver is loaded: SQL Server's alone is 120 modules a SQLite or
  // PostgreSQL process would otherwise carry for nothing.
  switch (db.DB_DRIVER) {
    case 'sqlite':
      return { ...common, driver: drivers.sqlite(), dbName: sqliteFile(service, db.DB_NAME), discovery: { onMetadata: both(checkTextIndexDeclaration, useIntegerForBigintKeys) } };
    case 'postgresql':
      return {
        ...common,
        ...serverOptions(service, db),
        driver: drivers.postgresql(),
        discovery: { onMetadata: checkTextIndexDeclaration, afterDiscovered: declareTrigramIndexes },
      };
    case 'mssql':
      return { ...common, ...serverOptions(service, db), driver: drivers.mssql(), discovery: { onMetadata: both(checkTextIndexDeclaration, useNvarcharForText) } };
  }
}

function both(first: (meta: EntityMetadata) => void, second: (meta: EntityMetadata) => void): (meta: EntityMetadata) => void {
  return (meta) => {
    first(meta);
    second(meta);
  };
}

/* eslint-disable @typescript-eslint/no-require-imports -- loaded on demand, see createOrmOptions */
const drivers = {
  sqlite: (): typeof SqliteDriver => require('@mikro-orm/sqlite').SqliteDriver,
  postgresql: (): typeof PostgreSqlDriver => require('@mikro-orm/postgresql').PostgreSqlDriver,
  mssql: (): typeof MsSqlDriver => require('@mikro-orm/mssql').MsSqlDriver,
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** PostgreSQL and SQL Server alike: a URL, the service's own schema, a bounded pool. */
function serverOptions(service: string, db: DatabaseSettings): Partial<Options> {
  return {
    clientUrl: requireUrl(db),
    ...(db.DB_NAME ? { dbName: db.DB_NAME } : {}),
    schema: schemaNameFor(db.DB_SCHEMA ?? service),
    pool: { min: 0, max: db.DB_POOL_MAX ?? 10, idleTimeoutMillis: 30_000 },
  };
}

/**
 * Entities declare long text portably as `type: 'text'`; SQL Server maps that to its deprecated
 * `text` type, so there it becomes `nvarchar(max)` (an explicit `columnType` still wins).
 */
function useNvarcharForText(meta: EntityMetadata): void {
  for (const prop of Object.values(meta.properties)) {
    const type = typeof prop.type === 'string' ? prop.type.toLowerCase() : '';
    if ((type === 'text' || type === 'texttype') && !prop.columnTypes?.length) {
      prop.columnTypes = ['nvarchar(max)'];
    }
  }
}

/**
 * SQLite's INTEGER is already 64 bits, and an autoincrement key must be spelled `integer`; the
 * schema diff would otherwise see a `bigint` key (e.g. the outbox sequence) as changed forever.
 */
function useIntegerForBigintKeys(meta: EntityMetadata): void {
  for (const prop of Object.values(meta.properties)) {
    const type = prop.type as unknown;
    const bigint = type === 'bigint' || (typeof type === 'object' && type?.constructor?.name === 'BigIntType') || prop.customType?.constructor?.name === 'BigIntType';
    if (prop.primary && prop.autoincrement && bigint) prop.columnTypes = ['integer'];
  }
}

function sqliteFile(service: string, name: string | undefined): string {
  if (name === ':memory:') return name;
  const file = resolve(name ?? `.data/${schemaNameFor(service)}.sqlite`);
  mkdirSync(dirname(file), { recursive: true });
  return file;
}

function requireUrl(db: DatabaseSettings): string {
  if (!db.DB_URL) {
    throw new PersistenceError(
      PersistenceErrorCode.MissingUrl,
      `DB_DRIVER=${db.DB_DRIVER} needs DB_URL (e.g. ${db.DB_DRIVER === 'mssql' ? 'mssql://sa:secret@db:1433/crm' : 'postgres://crm:secret@db:5432/crm'})`,
    );
  }
  return db.DB_URL;
}
