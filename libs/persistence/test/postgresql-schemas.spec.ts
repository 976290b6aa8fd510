import { MikroORM } from '@mikro-orm/core';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { ReflectMetadataProvider } from '@mikro-orm/decorators/legacy';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { containsText, createMigration, initOrm, pendingSchemaDiff, runMigrations, sqlSchema } from '../src';
import { ledger, notebook, notebookMigrations } from './fixtures/services';
import { Note } from './fixtures/notebook/notebook.entities';
import { Account, LedgerEntry } from './fixtures/ledger/ledger.entities';

// Real PostgreSQL (CRM_TEST_PG_URL from the jest global setup); every run gets its own schemas.
const url = process.env.CRM_TEST_PG_URL!;
const run = `${process.env.CRM_TEST_RUN_ID ?? 'local'}_${randomBytes(2).toString('hex')}`;
const notebookSchema = `notebook_${run}`;
const ledgerSchema = `ledger_${run}`;
const notebook2Schema = `notebook2_${run}`;
// Inside the workspace (git-ignored tmp/) so generated migrations resolve @mikro-orm/* when loaded.
const migrationsDir = join(__dirname, `../../../tmp/persistence-pg-${run}`);
const notebookInput = notebook({ DB_DRIVER: 'postgresql', DB_URL: url, DB_SCHEMA: notebookSchema });
const ledgerInput = ledger({ DB_DRIVER: 'postgresql', DB_URL: url, DB_SCHEMA: ledgerSchema });

describe('PostgreSQL: one schema per service', () => {
  let admin: MikroORM;
  const opened: MikroORM[] = [];
  const open = async (input: typeof notebookInput) => {
    const orm = await initOrm(input);
    opened.push(orm);
    return orm;
  };
  const tablesOf = async (schema: string) =>
    (
      await admin.em
        .getConnection()
        .execute<{ table_name: string }[]>(`select table_name from information_schema.tables where table_schema = ? order by table_name`, [schema])
    ).map((r: { table_name: string }) => r.table_name);

  beforeAll(async () => {
    admin = await MikroORM.init({ driver: PostgreSqlDriver, clientUrl: url, entities: [], discovery: { warnWhenNoEntities: false }, metadataProvider: ReflectMetadataProvider });
  });
  afterAll(async () => {
    await Promise.all(opened.map((orm) => orm.close(true)));
    rmSync(migrationsDir, { recursive: true, force: true });
    for (const schema of [notebookSchema, notebook2Schema, ledgerSchema]) {
      await admin.em.getConnection().execute(`drop schema if exists "${schema}" cascade`);
    }
    await admin.close(true);
  });

  it('runs each service migrations into its own schema, named by DB_SCHEMA', async () => {
    expect((await runMigrations(ledgerInput)).executed).toEqual(['Migration20260115080000_init']);
    expect((await runMigrations(notebookInput)).executed).toHaveLength(2);

    expect(await tablesOf(ledgerSchema)).toEqual(['account', 'ledger_entry', 'mikro_orm_migrations']);
    expect(await tablesOf(notebookSchema)).toEqual(['mikro_orm_migrations', 'note', 'note_comment']);
  });

  it('sees each service in sync without proposing to drop the other service tables', async () => {
    const notebookOrm = await open(notebookInput);
    const ledgerOrm = await open(ledgerInput);
    expect(await pendingSchemaDiff(notebookOrm)).toBe('');
    expect(await pendingSchemaDiff(ledgerOrm)).toBe('');

    // The pitfall this library guards against: MikroORM's unrestricted diff drops foreign tables.
    const unrestricted = await sqlSchema(notebookOrm).getUpdateSchemaSQL({ wrap: false });
    expect(unrestricted).toContain(`drop table if exists "${ledgerSchema}"."account"`);
  });

  it('a new migration of one service, created and applied, leaves the other service data alone', async () => {
    const ledgerOrm = await open(ledgerInput);
    const em = ledgerOrm.em.fork();
    const account = new Account('EUR-1', { currency: 'EUR', limits: { daily: 500 } });
    const bookedAt = new Date('2026-02-03T04:05:06.000Z');
    const entry = new LedgerEntry(account, 1250, bookedAt);
    entry.memo = 'x'.repeat(20_000);
    em.persist([account, entry]);
    await em.flush();

    // An older notebook deployment (first migration only) in its own schema...
    const first = notebookMigrations.postgresql!.slice(0, 1);
    const olderNotebook = { ...notebookInput, db: { ...notebookInput.db, DB_SCHEMA: notebook2Schema }, migrations: { postgresql: first } };
    await runMigrations(olderNotebook);
    // ...gets its next migration written from the entity diff and applied.
    mkdirSync(migrationsDir, { recursive: true });
    cpSync(`${notebookMigrations.dir}/postgresql/Migration20260110090000_create_note.ts`, `${migrationsDir}/postgresql/Migration20260110090000_create_note.ts`);
    const created = await createMigration({ ...olderNotebook, migrations: { dir: migrationsDir, postgresql: first } }, 'comments');
    const source = readFileSync(created!.file, 'utf8');
    expect(source).toContain('create table "${schema}"."note_comment"');
    expect(source).not.toContain('_scratch_');
    expect(source).not.toContain(ledgerSchema);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { postgresqlMigrations } = require(`${migrationsDir}/postgresql/index.ts`);
    const newerNotebook = { ...olderNotebook, migrations: { postgresql: postgresqlMigrations } };
    expect((await runMigrations(newerNotebook)).executed).toEqual([created!.className]);

    const notebookOrm = await open(newerNotebook);
    expect(await pendingSchemaDiff(notebookOrm)).toBe('');
    const ne = notebookOrm.em.fork();
    ne.persist(new Note('Hello', 'World'));
    await ne.flush();
    expect(await notebookOrm.em.fork().count(Note, { title: 'Hello' })).toBe(1);
    expect(await notebookOrm.em.fork().findAndCount(Note, { title: containsText('ell') })).toEqual([[expect.any(Note)], 1]);

    const read = await ledgerOrm.em.fork().findOneOrFail(LedgerEntry, { account: { code: 'EUR-1' } }, { populate: ['account'] });
    expect(read.account.settings).toEqual({ currency: 'EUR', limits: { daily: 500 } });
    expect(read.bookedAt.toISOString()).toBe(bookedAt.toISOString());
    expect(read.memo).toHaveLength(20_000);
    expect(await tablesOf(ledgerSchema)).toEqual(['account', 'ledger_entry', 'mikro_orm_migrations']);
    expect(await pendingSchemaDiff(ledgerOrm)).toBe('');

    // The scratch schema used for the diff is gone again.
    const schemas = await admin.em
      .getConnection()
      .execute<{ nspname: string }[]>(`select nspname from pg_namespace where nspname like ?`, [`%${run}%`]);
    expect(schemas.map((s: { nspname: string }) => s.nspname).sort()).toEqual([ledgerSchema, notebook2Schema, notebookSchema].sort());
  });
});
