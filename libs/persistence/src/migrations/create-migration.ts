import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import { type AbstractSqlPlatform, DatabaseSchema } from '@mikro-orm/sql';
import { initOrm, ownSchema, sqlSchema } from '../orm';
import { createOrmOptions, type ServiceOrmInput } from '../orm-options';
import { PersistenceError, PersistenceErrorCode } from '../persistence.errors';
import { schemaNameFor } from '../schema-name';
import { migrationStamp, renderIndex, renderMigration, splitStatements } from './migration-source';
import type { DbDriverName } from './migrations-for-service';
import { migrateUp } from './run-migrations';
import { schemaMigrationDiff } from './schema-sync';

export interface CreatedMigration {
  driver: DbDriverName;
  className: string;
  file: string;
  up: string[];
  down: string[];
}

interface Diff {
  up: string;
  down: string;
  /** The schema name the SQL was generated for, replaced by DB_SCHEMA at run time. */
  schema: string | undefined;
}

/** SQL Server has no server here: its diffs start from this committed model of the last migration. */
export const MSSQL_SNAPSHOT_FILE = 'schema-snapshot.json';

/**
 * Writes `<dir>/<driver>/Migration<stamp>_<name>.ts` holding what the entities need beyond the
 * existing migrations, and regenerates that folder's `index.ts`. The diff is taken against a
 * scratch database built from the existing migrations (a temporary SQLite file, a throw-away
 * PostgreSQL schema), so the developer's own database does not matter. SQL Server works offline
 * from a snapshot kept beside its migrations. Returns null when nothing changed.
 */
export async function createMigration(
  input: ServiceOrmInput,
  name: string,
  options: { now?: Date } = {},
): Promise<CreatedMigration | null> {
  if (!/^[a-z][a-z0-9_]*$/i.test(name)) {
    throw new PersistenceError(PersistenceErrorCode.InvalidMigrationName, `"${name}" must match [a-z][a-z0-9_]* (e.g. add_contact_phone)`);
  }
  const dir = input.migrations?.dir;
  if (!dir) {
    throw new PersistenceError(PersistenceErrorCode.MissingMigrationsDir, `migrations.dir is required to write migration files for ${input.service}`);
  }
  const driver = input.db.DB_DRIVER;
  const folder = join(dir, driver);
  const diff = await diffFor(input, folder);
  const up = splitStatements(diff.up);
  if (up.length === 0) return null;

  const className = `Migration${migrationStamp(options.now ?? new Date())}_${name}`;
  const file = join(folder, `${className}.ts`);
  // The schema also holds the migrations table, so reverting a migration never drops it.
  const down = splitStatements(diff.down).filter((statement) => !/^drop schema\b/i.test(statement));
  mkdirSync(folder, { recursive: true });
  writeFileSync(file, renderMigration({ className, driver, schema: diff.schema, up, down }));
  const classes = readdirSync(folder)
    .filter((f) => /^Migration\d{14}_\w+\.ts$/.test(f))
    .map((f) => f.replace(/\.ts$/, ''));
  writeFileSync(join(folder, 'index.ts'), renderIndex(driver, classes));
  return { driver, className, file, up, down };
}

function diffFor(input: ServiceOrmInput, folder: string): Promise<Diff> {
  switch (input.db.DB_DRIVER) {
    case 'sqlite':
      return sqliteDiff(input);
    case 'postgresql':
      return postgresDiff(input);
    case 'mssql':
      return mssqlDiff(input, folder);
  }
}

async function sqliteDiff(input: ServiceOrmInput): Promise<Diff> {
  const scratch = mkdtempSync(join(tmpdir(), 'crm-migration-'));
  try {
    const orm = await initOrm({ ...input, db: { ...input.db, DB_NAME: join(scratch, 'scratch.sqlite') } });
    return await diffAfterMigrations(orm);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function postgresDiff(input: ServiceOrmInput): Promise<Diff> {
  const base = input.db.DB_SCHEMA ?? schemaNameFor(input.service);
  const scratch = `${base}_scratch_${randomBytes(3).toString('hex')}`;
  const orm = await initOrm({ ...input, db: { ...input.db, DB_SCHEMA: scratch } });
  try {
    return await diffAfterMigrations(orm, false);
  } finally {
    await orm.em.getConnection().execute(`drop schema if exists "${scratch}" cascade`);
    await orm.close(true);
  }
}

async function diffAfterMigrations(orm: MikroORM, close = true): Promise<Diff> {
  try {
    await migrateUp(orm);
    return { ...(await schemaMigrationDiff(orm)), schema: ownSchema(orm) };
  } finally {
    if (close) await orm.close(true);
  }
}

async function mssqlDiff(input: ServiceOrmInput, folder: string): Promise<Diff> {
  const options = createOrmOptions({
    ...input,
    db: { ...input.db, DB_URL: input.db.DB_URL ?? 'mssql://offline@localhost:1433/offline' },
  });
  const snapshotName = MSSQL_SNAPSHOT_FILE.replace(/\.json$/, '');
  // MikroORM 7 connects lazily, so nothing here reaches a server; the snapshot options let
  // MikroORM's own reader load the committed model, so its format stays MikroORM's.
  const orm = await MikroORM.init({
    ...options,
    migrations: { ...options.migrations, snapshot: true, path: folder, snapshotName },
  });
  try {
    const generator = sqlSchema(orm);
    const schema = ownSchema(orm);
    const snapshotFile = join(folder, MSSQL_SNAPSHOT_FILE);
    const reader = orm.migrator as unknown as { getSchemaFromSnapshot(): Promise<DatabaseSchema | undefined> };
    const fromSchema =
      (existsSync(snapshotFile) ? await reader.getSchemaFromSnapshot() : undefined) ??
      new DatabaseSchema(orm.em.getPlatform() as AbstractSqlPlatform, schema ?? 'dbo');
    const diff = await generator.getUpdateSchemaMigrationSQL({ wrap: false, schema, fromSchema });
    if (diff.up.trim()) {
      mkdirSync(folder, { recursive: true });
      writeFileSync(snapshotFile, `${JSON.stringify(generator.getTargetSchema(), null, 2)}\n`);
    }
    return { up: diff.up.trim(), down: diff.down.trim(), schema };
  } finally {
    await orm.close(true);
  }
}
