import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import { ReflectMetadataProvider } from '@mikro-orm/decorators/legacy';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import {
  checkMigrations,
  initOrm,
  MIGRATIONS_PENDING_EXIT_CODE,
  MIGRATIONS_TABLE,
  parseMigrateArgs,
  runMigrateCommand,
  runMigrations,
  waitForMigrations,
  type ServiceOrmInput,
} from '../src';
import { notebook, notebookMigrations } from './fixtures/services';

/**
 * `migrate.js --check` / `--wait`: what a new version's pods run before they start, with the
 * application's credential, so they never serve on a schema their release has not migrated yet.
 */
describe('migration check and wait (SQLite)', () => {
  const ALL = ['Migration20260110090000_create_note', 'Migration20260201123000_add_note_comment'];
  let dir: string;
  let input: ServiceOrmInput;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'crm-migration-check-'));
    input = notebook({ DB_DRIVER: 'sqlite', DB_NAME: join(dir, 'notebook.sqlite') });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const migrationsTableExists = async () => {
    const orm = await initOrm(input);
    try {
      const rows = await orm.em.getConnection().execute(`select name from sqlite_master where type = 'table' and name = '${MIGRATIONS_TABLE}'`);
      return rows.length > 0;
    } finally {
      await orm.close(true);
    }
  };

  it('names every migration as pending before the step ran, none after', async () => {
    expect(await checkMigrations(input)).toEqual({ pending: ALL });
    expect(await runMigrations(input)).toEqual({ executed: ALL });
    expect(await checkMigrations(input)).toEqual({ pending: [] });
  });

  it('names only the migrations a new build adds', async () => {
    await runMigrations({ ...input, migrations: { sqlite: notebookMigrations.sqlite!.slice(0, 1) } });
    expect(await checkMigrations(input)).toEqual({ pending: [ALL[1]] });
  });

  it('never writes: the migrations table is not created by a check (a DML-only credential could not)', async () => {
    await checkMigrations(input);
    expect(await migrationsTableExists()).toBe(false);
  });

  it('--wait returns as soon as the migration step has run', async () => {
    const polls: unknown[] = [];
    const waiting = waitForMigrations(input, { timeoutMs: 10_000, intervalMs: 50, onPoll: (o) => polls.push(o) });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await runMigrations(input);
    const started = Date.now();
    await expect(waiting).resolves.toEqual({ pending: [] });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(polls[0]).toEqual({ pending: ALL });
  });

  it('--wait gives up after its timeout and reports what is still pending', async () => {
    const started = Date.now();
    await expect(waitForMigrations(input, { timeoutMs: 300, intervalMs: 50 })).resolves.toEqual({ pending: ALL });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('--wait keeps polling through errors and rethrows the last one at the deadline', async () => {
    // A directory where the database file should be: every open fails.
    const unreadable = { ...input, db: { DB_DRIVER: 'sqlite' as const, DB_NAME: dir } };
    const errors: string[] = [];
    await expect(
      waitForMigrations(unreadable, { timeoutMs: 250, intervalMs: 50, onPoll: (o) => 'error' in o && errors.push(o.error.message) }),
    ).rejects.toThrow();
    expect(errors.length).toBeGreaterThan(1);
  });

  describe('the CLI (migrate.js)', () => {
    const run = async (argv: string[]) => {
      const lines: string[] = [];
      const code = await runMigrateCommand(input, argv, (level, msg) => lines.push(`${level} ${msg}`), 50);
      return { code, lines };
    };

    it('--check exits 3 with one line naming the pending migrations, then 0 once migrated', async () => {
      const before = await run(['--check']);
      expect(before.code).toBe(MIGRATIONS_PENDING_EXIT_CODE);
      expect(before.lines).toEqual([`warn 2 pending migrations: ${ALL.join(', ')}`]);

      expect(await run([])).toEqual({ code: 0, lines: [`info applied ${ALL.join(', ')}`] });
      expect(await run(['--check'])).toEqual({ code: 0, lines: ['info schema up to date'] });
      expect(await run(['--wait', '1'])).toEqual({ code: 0, lines: ['info schema up to date'] });
    });

    it('--wait exits non-zero when the schema is still behind at the deadline', async () => {
      const { code, lines } = await run(['--wait', '0']);
      expect(code).toBe(MIGRATIONS_PENDING_EXIT_CODE);
      expect(lines.at(-1)).toBe(`warn gave up after 0 s: 2 pending migrations: ${ALL.join(', ')}`);
    });

    it('refuses unknown arguments instead of migrating', async () => {
      expect((await run(['--chek'])).code).toBe(1);
      expect(await migrationsTableExists()).toBe(false);
    });
  });

  it('parses the flags', () => {
    expect(parseMigrateArgs([])).toEqual({ mode: 'up' });
    expect(parseMigrateArgs(['--check'])).toEqual({ mode: 'check' });
    expect(parseMigrateArgs(['--wait'])).toEqual({ mode: 'wait', timeoutSeconds: 300 });
    expect(parseMigrateArgs(['--wait', '45'])).toEqual({ mode: 'wait', timeoutSeconds: 45 });
    for (const bad of [['--wait', 'soon'], ['--wait', '-1'], ['--check', '5'], ['--up'], ['--wait', '5', 'x']]) {
      expect(() => parseMigrateArgs(bad)).toThrow(/usage/);
    }
  });
});

// The property the Deployment's init container relies on: the application's login, which may
// read and write rows but create nothing, can answer the check before and after the Job ran.
describe('migration check with a DML-only login (PostgreSQL)', () => {
  const adminUrl = process.env.CRM_TEST_PG_URL!;
  const run = `${process.env.CRM_TEST_RUN_ID ?? 'local'}_${randomBytes(2).toString('hex')}`;
  const schema = `notebook_check_${run}`;
  const role = `crm_app_${run}`;
  const password = randomBytes(12).toString('hex');
  const appUrl = Object.assign(new URL(adminUrl), { username: role, password }).toString();
  const asMigrator = notebook({ DB_DRIVER: 'postgresql', DB_URL: adminUrl, DB_SCHEMA: schema });
  const asApp = notebook({ DB_DRIVER: 'postgresql', DB_URL: appUrl, DB_SCHEMA: schema });
  let admin: MikroORM;
  const sql = (text: string) => admin.em.getConnection().execute(text);

  beforeAll(async () => {
    admin = await MikroORM.init({
      driver: PostgreSqlDriver,
      clientUrl: adminUrl,
      entities: [],
      discovery: { warnWhenNoEntities: false },
      metadataProvider: ReflectMetadataProvider,
    });
    await sql(`create role "${role}" login password '${password}'`);
  });
  afterAll(async () => {
    await sql(`drop schema if exists "${schema}" cascade`);
    await sql(`drop owned by "${role}"`);
    await sql(`drop role if exists "${role}"`);
    await admin.close(true);
  });

  it('sees every migration pending before the Job, none after, and creates nothing itself', async () => {
    expect((await checkMigrations(asApp)).pending).toHaveLength(2);
    expect(await sql(`select 1 from information_schema.schemata where schema_name = '${schema}'`)).toEqual([]);

    await runMigrations(asMigrator);
    // What deploy/README.md asks of the application's login: use the schema, DML on its tables.
    await sql(`grant usage on schema "${schema}" to "${role}"`);
    await sql(`grant select, insert, update, delete on all tables in schema "${schema}" to "${role}"`);

    expect(await checkMigrations(asApp)).toEqual({ pending: [] });
    await expect(runMigrations(asApp)).resolves.toEqual({ executed: [] });
  });
});
