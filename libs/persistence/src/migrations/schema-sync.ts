import type { MikroORM } from '@mikro-orm/core';
import { ownSchema, sqlSchema } from '../orm';
import { PersistenceError, PersistenceErrorCode } from '../persistence.errors';

/**
 * SQL still needed to bring the database to the entities ('' = in sync). Always restricted to
 * the service's own schema: without `schema`, MikroORM diffs every schema of a shared PostgreSQL
 * database and proposes dropping other services' tables.
 */
export async function pendingSchemaDiff(orm: MikroORM): Promise<string> {
  const sql = await sqlSchema(orm).getUpdateSchemaSQL({ wrap: false, schema: ownSchema(orm) });
  return sql.trim();
}

/** Up and down SQL between the database and the entities, for writing a migration. */
export async function schemaMigrationDiff(orm: MikroORM): Promise<{ up: string; down: string }> {
  const diff = await sqlSchema(orm).getUpdateSchemaMigrationSQL({ wrap: false, schema: ownSchema(orm) });
  return { up: withoutTriggers(diff.up).trim(), down: withoutTriggers(diff.down).trim() };
}

/**
 * Triggers are hand-written (the text indexes') and the ORM options tell the diff to ignore them,
 * which MikroORM 7 honours going up but not in the reverse diff: a generated down() re-created the
 * SQLite FTS triggers, wrongly (as new-row inserts). No generated migration touches a trigger.
 */
function withoutTriggers(sql: string): string {
  return sql.replace(/create trigger\b[\s\S]*?\bend;\s*/gi, '').replace(/drop trigger\b[^;]*;\s*/gi, '');
}

/** Throws when the migrations do not produce the schema the entities describe. */
export async function assertSchemaInSync(orm: MikroORM): Promise<void> {
  const sql = await pendingSchemaDiff(orm);
  if (sql) {
    throw new PersistenceError(
      PersistenceErrorCode.OutOfSync,
      `the migrations do not match the entities; a new migration needs:\n${sql}\n` +
        `Create it with createMigration(<service orm input>, '<name>') and register it in the driver's index.ts.`,
    );
  }
}
