import type { MikroORM } from '@mikro-orm/core';
import type { AbstractSqlConnection, AbstractSqlDriver, AbstractSqlPlatform } from '@mikro-orm/sql';
import { initOrm, ownSchema } from '../orm';
import { MIGRATIONS_TABLE, type ServiceOrmInput } from '../orm-options';

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

/**
 * This service's migrations the database has not recorded yet, oldest first. Read-only, so the
 * application's DML-only credential can run it: `migrator.getPending()` alone would create the
 * migrations table (and schema) when absent, which that credential may not do and a check
 * should not do. Without the table, every migration is pending.
 */
export async function pendingMigrations(orm: MikroORM): Promise<string[]> {
  const platform = orm.em.getPlatform() as AbstractSqlPlatform;
  const connection = orm.em.getConnection() as AbstractSqlConnection;
  const recorded = await platform.getSchemaHelper()!.tableExists(connection, MIGRATIONS_TABLE, ownSchema(orm));
  if (!recorded) return configuredMigrationNames(orm);
  return (await orm.migrator.getPending()).map((m) => m.name);
}

/** The names MikroORM records for the configured migrations (its own rule: explicit name, then class name). */
function configuredMigrationNames(orm: MikroORM): string[] {
  const driver = orm.em.getDriver() as AbstractSqlDriver;
  return (orm.config.get('migrations').migrationsList ?? []).map((entry) => {
    const [MigrationClass, explicit] = typeof entry === 'function' ? [entry, undefined] : [entry.class, entry.name];
    const name = explicit ?? new MigrationClass(driver, orm.config).name ?? MigrationClass.name;
    return name.replace(/\.[jt]s$/, '');
  });
}

/** Opens the service's database, lists its pending migrations, closes. */
export async function checkMigrations(input: ServiceOrmInput): Promise<{ pending: string[] }> {
  const orm = await initOrm(input);
  try {
    return { pending: await pendingMigrations(orm) };
  } finally {
    await orm.close(true);
  }
}

export interface WaitForMigrationsOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Every poll's outcome; an error (database not reachable yet, no grant yet) is retried. */
  onPoll?: (outcome: { pending: string[] } | { error: Error }) => void;
}

/**
 * Polls until the database holds every migration of this build, or the time is up. A new
 * version's pods run this before they start, so they never serve on the previous schema while
 * the migration Job of their release is still running (or has not started).
 * Resolves with what is still pending (empty = ready); rejects only when the deadline passes
 * and the last poll could not reach an answer.
 */
export async function waitForMigrations(input: ServiceOrmInput, options: WaitForMigrationsOptions): Promise<{ pending: string[] }> {
  const { timeoutMs, intervalMs = 2000, onPoll } = options;
  const deadline = Date.now() + timeoutMs;
  let orm: MikroORM | undefined;
  try {
    for (;;) {
      let outcome: { pending: string[] } | { error: Error };
      try {
        orm ??= await initOrm(input);
        outcome = { pending: await pendingMigrations(orm) };
      } catch (error) {
        outcome = { error: error instanceof Error ? error : new Error(String(error)) };
        // A fresh ORM next time: a failed first connection can leave the pool unusable.
        await orm?.close(true).catch(() => undefined);
        orm = undefined;
      }
      onPoll?.(outcome);
      if ('pending' in outcome && outcome.pending.length === 0) return outcome;
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        if ('error' in outcome) throw outcome.error;
        return outcome;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, remaining)));
    }
  } finally {
    await orm?.close(true);
  }
}

export type MigrateCommand = { mode: 'up' } | { mode: 'check' } | { mode: 'wait'; timeoutSeconds: number };

/** Exit code of `--check` / `--wait` while migrations are pending; 1 stays "something failed". */
export const MIGRATIONS_PENDING_EXIT_CODE = 3;
const DEFAULT_WAIT_SECONDS = 300;
const MIGRATE_USAGE = 'usage: migrate.js [--check | --wait [seconds]]';

/** `migrate.js` (apply), `migrate.js --check`, `migrate.js --wait [seconds]`. */
export function parseMigrateArgs(argv: readonly string[]): MigrateCommand {
  const [flag, value, ...rest] = argv;
  if (rest.length > 0) throw new Error(MIGRATE_USAGE);
  if (flag === undefined) return { mode: 'up' };
  if (flag === '--check' && value === undefined) return { mode: 'check' };
  if (flag === '--wait') {
    if (value === undefined) return { mode: 'wait', timeoutSeconds: DEFAULT_WAIT_SECONDS };
    if (/^\d+$/.test(value)) return { mode: 'wait', timeoutSeconds: Number(value) };
  }
  throw new Error(MIGRATE_USAGE);
}

export type MigrateLog = (level: 'info' | 'warn' | 'error', msg: string) => void;

/**
 * The whole migrate CLI of a service, so each `database/migrate.ts` is a few lines: applies
 * (exit 0), or checks / waits (exit 0 when current, 3 while migrations are pending). Anything
 * else that fails is exit 1.
 */
export async function runMigrateCommand(
  input: ServiceOrmInput,
  argv: readonly string[],
  log: MigrateLog,
  waitIntervalMs = 2000,
): Promise<number> {
  let command: MigrateCommand;
  try {
    command = parseMigrateArgs(argv);
  } catch (error) {
    log('error', (error as Error).message);
    return 1;
  }
  try {
    if (command.mode === 'up') {
      const { executed } = await runMigrations(input);
      log('info', executed.length ? `applied ${executed.join(', ')}` : 'schema up to date');
      return 0;
    }
    let reported = '';
    const { pending } =
      command.mode === 'check'
        ? await checkMigrations(input)
        : await waitForMigrations(input, {
            timeoutMs: command.timeoutSeconds * 1000,
            intervalMs: waitIntervalMs,
            // Once per change, not every poll: a long wait stays a few lines in the pod log.
            onPoll: (outcome) => {
              const line = 'error' in outcome ? `schema not readable yet: ${outcome.error.message}` : describePending(outcome.pending);
              if (line !== reported && ('error' in outcome || outcome.pending.length > 0)) log('info', `waiting: ${line}`);
              reported = line;
            },
          });
    if (pending.length === 0) {
      log('info', 'schema up to date');
      return 0;
    }
    log('warn', command.mode === 'wait' ? `gave up after ${command.timeoutSeconds} s: ${describePending(pending)}` : describePending(pending));
    return MIGRATIONS_PENDING_EXIT_CODE;
  } catch (error) {
    const what = command.mode === 'up' ? 'migration' : 'migration check';
    log('error', `${what} failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

function describePending(pending: string[]): string {
  return `${pending.length} pending migration${pending.length === 1 ? '' : 's'}: ${pending.join(', ')}`;
}
