import type { MikroORM } from '@mikro-orm/core';
import { initOrm } from '../orm';
import type { ServiceOrmInput } from '../orm-options';

/** Applies an open ORM's pending migrations (all in one transaction) and names what ran. */
export async function migrateUp(orm: MikroORM): Promise<string[]> {
  const executed = await orm.migrator.up();
  return executed.map((m) => m.name);
}

/**
 * The migrate step (`node dist/apps/<svc>/src/database/migrate.js`, a Kubernetes Job or an
 * init step): opens the service's database, applies pending migrations, closes. Services never
 * migrate on boot, so replicas cannot race each other over DDL.
 */
export async function runMigrations(input: ServiceOrmInput): Promise<{ executed: string[] }> {
  const orm = await initOrm(input);
  try {
    if (input.db.DB_DRIVER === 'sqlite' && input.db.DB_NAME !== ':memory:') {
      // Write-ahead logging is a property of the file, so the migrate step sets it once: one
      // fsync per commit instead of several, and readers never wait for the writer.
      await orm.em.getConnection().execute('pragma journal_mode = WAL');
    }
    return { executed: await migrateUp(orm) };
  } finally {
    await orm.close(true);
  }
}
