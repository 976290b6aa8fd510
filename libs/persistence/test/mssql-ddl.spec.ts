import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMigration, expectMssqlDdlSnapshot, generateMssqlDdl, MSSQL_SNAPSHOT_FILE, PersistenceErrorCode } from '../src';
import { LEDGER_ENTITIES } from './fixtures/ledger/ledger.entities';
import { NOTEBOOK_ENTITIES, Note } from './fixtures/notebook/notebook.entities';
import { notebookMigrations } from './fixtures/services';

// SQL Server cannot run here: its DDL is generated from metadata alone and reviewed as a snapshot.
const notebookDdl = { service: 'notebook', entities: NOTEBOOK_ENTITIES };

describe('SQL Server DDL, offline', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'crm-persistence-mssql-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('qualifies every table with the service schema and stores long text as nvarchar(max)', async () => {
    const ddl = await generateMssqlDdl(notebookDdl);
    expect(ddl).toContain(`if (schema_id('notebook') is null) begin exec ('create schema [notebook] authorization [dbo]') end;`);
    expect(ddl).toMatch(/create table \[notebook\]\.\[note\] \(.*\[body\] nvarchar\(max\) not null/);
    expect(ddl).toContain('create unique index [note_title_uq] on [notebook].[note] ([title])');
    expect(ddl).toContain('create index [note_created_at_idx] on [notebook].[note] ([created_at])');
    expect(ddl).toContain('[created_at] datetime2 not null');
    expect(ddl).not.toMatch(/\] n?text\b/); // the deprecated (n)text types
    expect(await generateMssqlDdl({ service: 'ledger', entities: LEDGER_ENTITIES, schema: 'books' })).toContain(
      '[memo] nvarchar(max) null',
    );
  });

  it('is deterministic, so the snapshot only changes when the model does', async () => {
    expect(await generateMssqlDdl(notebookDdl)).toBe(await generateMssqlDdl(notebookDdl));
  });

  it('matches the committed snapshot of the test service', async () => {
    await expect(expectMssqlDdlSnapshot(notebookDdl, join(__dirname, 'fixtures/notebook/notebook.mssql.sql'))).resolves.toEqual({
      updated: false,
    });
  });

  it('fails on drift with instructions, and rewrites the snapshot when asked to', async () => {
    const file = join(dir, 'notebook.mssql.sql');
    cpSync(join(__dirname, 'fixtures/notebook/notebook.mssql.sql'), file);
    const changed = { service: 'notebook', entities: [Note] }; // the comment table was removed

    const drift = await expectMssqlDdlSnapshot(changed, file, {}).catch((error) => error);
    expect(drift.code).toBe(PersistenceErrorCode.DdlSnapshotDrift);
    expect(drift.message).toMatch(/differs from .*notebook\.mssql\.sql/);
    expect(drift.message).toContain('UPDATE_DDL_SNAPSHOTS=1');

    expect(await expectMssqlDdlSnapshot(changed, file, { UPDATE_DDL_SNAPSHOTS: '1' })).toEqual({ updated: true });
    expect(readFileSync(file, 'utf8')).not.toContain('note_comment');
    expect(await expectMssqlDdlSnapshot(changed, file, {})).toEqual({ updated: false });
  });

  it('fails when no snapshot was committed yet', async () => {
    const missing = join(dir, 'none.sql');
    await expect(expectMssqlDdlSnapshot(notebookDdl, missing, {})).rejects.toThrow(/no SQL Server DDL snapshot .*UPDATE_DDL_SNAPSHOTS=1/s);
    expect(existsSync(missing)).toBe(false);
  });

  it('creates SQL Server migrations offline: initial from the create DDL, then from the committed snapshot', async () => {
    const db = { DB_DRIVER: 'mssql' as const };
    const first = await createMigration({ service: 'notebook', entities: [Note], db, migrations: { dir } }, 'create_note', {
      now: new Date('2026-01-01T00:00:00Z'),
    });
    expect(readFileSync(first!.file, 'utf8')).toContain('create table [${schema}].[note]');
    expect(existsSync(join(dir, 'mssql', MSSQL_SNAPSHOT_FILE))).toBe(true);

    const second = await createMigration({ service: 'notebook', entities: NOTEBOOK_ENTITIES, db, migrations: { dir } }, 'comments', {
      now: new Date('2026-01-02T00:00:00Z'),
    });
    expect(second!.up).toEqual([
      expect.stringMatching(/^create table \[notebook\]\.\[note_comment\]/),
      expect.stringMatching(/^alter table \[notebook\]\.\[note_comment\] add constraint/),
    ]);
    expect(readFileSync(join(dir, 'mssql/index.ts'), 'utf8')).toContain(
      'export const mssqlMigrations = [Migration20260101000000_create_note, Migration20260102000000_comments];',
    );
    expect(await createMigration({ service: 'notebook', entities: NOTEBOOK_ENTITIES, db, migrations: { dir } }, 'again')).toBeNull();
  });

  it('the committed test migrations for SQL Server add up to the entities', async () => {
    const copy = join(dir, 'copy');
    cpSync(notebookMigrations.dir!, copy, { recursive: true });
    const input = { service: 'notebook', entities: NOTEBOOK_ENTITIES, db: { DB_DRIVER: 'mssql' as const }, migrations: { dir: copy } };
    expect(await createMigration(input, 'nothing_new')).toBeNull();
  });
});
