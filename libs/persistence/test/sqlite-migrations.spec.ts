import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UniqueConstraintViolationException, type MikroORM } from '@mikro-orm/core';
import {
  assertSchemaInSync,
  containsText,
  createMigration,
  initOrm,
  pendingSchemaDiff,
  PersistenceErrorCode,
  runMigrations,
  type ServiceOrmInput,
} from '../src';
import { notebook, notebookMigrations } from './fixtures/services';
import { Note, NoteComment } from './fixtures/notebook/notebook.entities';

describe('SQLite: versioned schema changes', () => {
  let dir: string;
  let input: ServiceOrmInput;
  let orm: MikroORM | undefined;

  beforeAll(() => mkdirSync(join(__dirname, '../../../tmp'), { recursive: true }));
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'crm-persistence-sqlite-'));
    input = notebook({ DB_DRIVER: 'sqlite', DB_NAME: join(dir, 'db/notebook.sqlite') });
  });
  const cleanups: (() => void)[] = [];
  afterEach(async () => {
    cleanups.splice(0).forEach((cleanup) => cleanup());
    await orm?.close(true);
    orm = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('migrates up once, ends in sync with the entities and round-trips data', async () => {
    expect(await runMigrations(input)).toEqual({
      executed: ['Migration20260110090000_create_note', 'Migration20260201123000_add_note_comment'],
    });
    expect(await runMigrations(input)).toEqual({ executed: [] });

    orm = await initOrm(input);
    expect(await pendingSchemaDiff(orm)).toBe('');
    await expect(assertSchemaInSync(orm)).resolves.toBeUndefined();

    const longBody = 'lorem ipsum '.repeat(5000);
    const createdAt = new Date('2026-03-04T05:06:07.000Z');
    const em = orm.em.fork();
    const note = new Note('First', longBody);
    note.tags = ['a', 'b'];
    note.createdAt = createdAt;
    em.persist([note, new NoteComment(note, 'nice')]);
    await em.flush();

    const read = await orm.em.fork().findOneOrFail(Note, { title: 'First' });
    expect(read).toMatchObject({ body: longBody, tags: ['a', 'b'] });
    expect(read.createdAt.toISOString()).toBe(createdAt.toISOString());
    expect(await orm.em.fork().count(NoteComment, { note: read.id })).toBe(1);

    const duplicate = orm.em.fork();
    duplicate.persist(new Note('First', 'again'));
    await expect(duplicate.flush()).rejects.toBeInstanceOf(UniqueConstraintViolationException);
  });

  it('containsText finds user-typed text literally, whatever wildcards it holds', async () => {
    await runMigrations(input);
    orm = await initOrm(input);
    const em = orm.em.fork();
    em.persist([new Note('Done 100%', 'a'), new Note('Done 1000', 'b'), new Note('snake_case', 'c'), new Note('snakeXcase', 'd')]);
    await em.flush();
    const titles = async (text: string) =>
      (await orm!.em.fork().find(Note, { title: containsText(text) }, { orderBy: { title: 'asc' } })).map((n) => n.title);
    expect(await titles('100%')).toEqual(['Done 100%']);
    expect(await titles('e_c')).toEqual(['snake_case']);
    expect(await titles('done')).toEqual(['Done 100%', 'Done 1000']);
    expect(await titles("'; drop table note; --")).toEqual([]);
    // findAndCount runs the same filter twice (rows and count).
    const [rows, total] = await orm.em.fork().findAndCount(Note, { $and: [{ title: containsText('snake') }] }, { limit: 1 });
    expect([rows.length, total]).toEqual([1, 2]);
  });

  it('refuses the global EntityManager: work happens in a forked or request context', async () => {
    await runMigrations(input);
    orm = await initOrm(input);
    await expect(orm.em.find(Note, {})).rejects.toThrow(/global EntityManager/);
  });

  it('detects an entity change that has no migration', async () => {
    const withoutLast = { ...input, migrations: { ...notebookMigrations, sqlite: notebookMigrations.sqlite!.slice(0, 1) } };
    await runMigrations(withoutLast);
    orm = await initOrm(withoutLast);
    const missing = await pendingSchemaDiff(orm);
    expect(missing).toMatch(/create table `note_comment`/);
    await expect(assertSchemaInSync(orm)).rejects.toMatchObject({ code: PersistenceErrorCode.OutOfSync });
  });

  it('createMigration writes the missing migration and the index that registers it', async () => {
    // Inside the workspace (git-ignored tmp/) so the generated files resolve @mikro-orm/* when loaded.
    const migrationsDir = mkdtempSync(join(__dirname, '../../../tmp/persistence-migrations-'));
    cleanups.push(() => rmSync(migrationsDir, { recursive: true, force: true }));
    cpSync(notebookMigrations.dir!, migrationsDir, { recursive: true });
    rmSync(join(migrationsDir, 'sqlite/Migration20260201123000_add_note_comment.ts'));
    const withoutLast = {
      ...input,
      migrations: { dir: migrationsDir, sqlite: notebookMigrations.sqlite!.slice(0, 1) },
    };

    const created = await createMigration(withoutLast, 'comments', { now: new Date('2026-05-06T07:08:09Z') });

    expect(created).toMatchObject({ driver: 'sqlite', className: 'Migration20260506070809_comments' });
    expect(readFileSync(created!.file, 'utf8')).toContain('create table \\`note_comment\\`');
    expect(readdirSync(join(migrationsDir, 'sqlite')).sort()).toEqual([
      'Migration20260110090000_create_note.ts',
      'Migration20260506070809_comments.ts',
      'index.ts',
    ]);
    // The generated files are real TypeScript: load them and migrate a fresh database with them.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { sqliteMigrations } = require(join(migrationsDir, 'sqlite/index.ts'));
    const complete = { ...input, migrations: { sqlite: sqliteMigrations } };
    await runMigrations(complete);
    orm = await initOrm(complete);
    expect(await pendingSchemaDiff(orm)).toBe('');
    expect(await createMigration({ ...complete, migrations: { dir: migrationsDir, sqlite: sqliteMigrations } }, 'nothing')).toBeNull();
  });

  it('rejects migration names that would not make a class name', async () => {
    await expect(createMigration(input, 'add column!')).rejects.toMatchObject({ code: PersistenceErrorCode.InvalidMigrationName });
    await expect(createMigration({ ...input, migrations: { sqlite: [] } }, 'x')).rejects.toMatchObject({
      code: PersistenceErrorCode.MissingMigrationsDir,
    });
  });
});
