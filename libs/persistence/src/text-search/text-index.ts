import { raw, type EntityMetadata, type MetadataStorage, type MikroORM } from '@mikro-orm/core';
import { SqlitePlatform } from '@mikro-orm/sql';
import { PersistenceError, PersistenceErrorCode } from '../persistence.errors';

/**
 * "Contains" filters on user-typed text (a customer's name, an opportunity's customer name) cannot
 * use a b-tree index, so each would read every row. A text index finds the rows holding a
 * substring instead, per dialect:
 *
 * - SQLite: an FTS5 table with the `trigram` tokenizer over the entity's table (external content,
 *   kept current by triggers), which answers substrings of 3+ characters; its text is ASCII-lowered
 *   exactly as `LIKE` folds case and ends in two SENTINEL characters, so 1–2 character substrings
 *   are prefixes of its trigrams (found through the fts5vocab table of its terms). A match of the
 *   index is therefore exactly a match of the `LIKE` (see text-match.ts).
 * - PostgreSQL: a `pg_trgm` GIN index per column; the planner uses it for `LIKE '%…%'` itself.
 * - SQL Server: none (a documented choice, docs/adr/0002-text-search-indexes.md): the filter stays a scan.
 *
 * Entities declare which properties get one; the migrations create it (see `textIndexDdl`), and the
 * ORM options keep the schema diff from proposing to drop what the migrations made.
 *
 * SQLite caveats: the FTS5 table is keyed by the table's rowid, which a VACUUM may renumber for a
 * table without an INTEGER PRIMARY KEY (ours have text keys) — after one, or after a dump and
 * restore, run `insert into <table>_fts (<table>_fts) values ('rebuild')`; and rows removed by
 * `INSERT OR REPLACE` fire no delete trigger (MikroORM never writes that way).
 */
const declared = new WeakMap<object, readonly string[]>();

export interface TextIndexOptions {
  /** String properties whose "contains" filters the index serves. */
  properties: string[];
}

/** Class decorator: these properties' "contains" filters are served by a text index. */
export function TextIndex(options: TextIndexOptions): ClassDecorator {
  return (target) => {
    declared.set(target, [...options.properties]);
  };
}

/** The properties an entity class declared with `@TextIndex` (none when it did not). */
export function textIndexedProperties(entity: unknown): readonly string[] {
  return (typeof entity === 'function' && declared.get(entity)) || [];
}

/**
 * Ends every indexed value twice, so that each 1–2 character substring begins a trigram. Not found
 * in user text (control characters are rejected at the boundary); a query holding it is left to LIKE.
 */
export const SENTINEL = '\u001f';

/** The SQLite objects of one table's text index; every name ends in `_fts…` so the schema diff can skip them. */
export function textIndexNames(table: string) {
  const fts = `${table}_fts`;
  return {
    /** The FTS5 table (its shadow tables are `<fts>_data`, `_idx`, `_config`). */
    fts,
    /** The view the FTS5 table indexes: the lowered, sentinel-ended text of each row. */
    source: `${fts}_source`,
    /** fts5vocab over the index: its trigrams, per column. */
    terms: `${fts}_terms`,
    triggers: { insert: `${fts}_insert`, update: `${fts}_update`, delete: `${fts}_delete` },
  };
}

/** PostgreSQL: one GIN index per column. */
export function trigramIndexName(table: string, column: string): string {
  return `${table}_${column}_trgm_idx`;
}

/** Tables and views of SQLite text indexes, which MikroORM cannot model: the schema diff leaves them alone. */
export const TEXT_INDEX_TABLES = /_fts(_(data|idx|config|docsize|content|terms))?$/;
export const TEXT_INDEX_VIEWS = /_fts_source$/;

export interface TextIndexTable {
  table: string;
  columns: string[];
  /** PostgreSQL: the schema holding the table. */
  schema?: string;
}

/**
 * The DDL creating (up) and removing (down) a text index. Migrations hold its output as literal
 * SQL, so that a later change here never rewrites a migration that already ran.
 */
export function textIndexDdl(dialect: 'sqlite' | 'postgresql', spec: TextIndexTable): { up: string[]; down: string[] } {
  const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
  if (dialect === 'postgresql') {
    const table = spec.schema ? `${q(spec.schema)}.${q(spec.table)}` : q(spec.table);
    const index = (column: string) => (spec.schema ? `${q(spec.schema)}.` : '') + q(trigramIndexName(spec.table, column));
    return {
      // Extensions are per database and pg_trgm is trusted (PostgreSQL ≥ 13): a migrator with
      // CREATE on the database may install it; it stays when a service's index is dropped.
      up: [`create extension if not exists pg_trgm`, ...spec.columns.map((c) => `create index ${q(trigramIndexName(spec.table, c))} on ${table} using gin (${q(c)} gin_trgm_ops)`)],
      down: spec.columns.map((c) => `drop index ${index(c)}`),
    };
  }
  const names = textIndexNames(spec.table);
  const cols = spec.columns.map(q).join(', ');
  // `lower` folds ASCII only, as LIKE does; char(31, 31) is two SENTINELs. NULL stays NULL (nothing indexed).
  const text = (row: string) => spec.columns.map((c) => `lower(${row}.${q(c)}) || char(31, 31)`).join(', ');
  const { insert, update, delete: remove } = names.triggers;
  const removeOld = `insert into ${q(names.fts)} (${q(names.fts)}, rowid, ${cols}) values ('delete', old.rowid, ${text('old')});`;
  const addNew = `insert into ${q(names.fts)} (rowid, ${cols}) values (new.rowid, ${text('new')});`;
  return {
    up: [
      `create view ${q(names.source)} as select rowid, ${spec.columns.map((c) => `lower(${q(c)}) || char(31, 31) as ${q(c)}`).join(', ')} from ${q(spec.table)}`,
      `create virtual table ${q(names.fts)} using fts5(${cols}, content = '${names.source}', content_rowid = 'rowid', tokenize = 'trigram case_sensitive 1', columnsize = 0)`,
      `create virtual table ${q(names.terms)} using fts5vocab('${names.fts}', 'col')`,
      `create trigger ${q(insert)} after insert on ${q(spec.table)} begin ${addNew} end`,
      `create trigger ${q(update)} after update of ${cols} on ${q(spec.table)} begin ${removeOld} ${addNew} end`,
      `create trigger ${q(remove)} after delete on ${q(spec.table)} begin ${removeOld} end`,
      `insert into ${q(names.fts)} (${q(names.fts)}) values ('rebuild')`,
    ],
    down: [
      `drop trigger ${q(insert)}`,
      `drop trigger ${q(update)}`,
      `drop trigger ${q(remove)}`,
      `drop table ${q(names.terms)}`,
      `drop table ${q(names.fts)}`,
      `drop view ${q(names.source)}`,
    ],
  };
}

/** Discovery hook (every driver): a declared property that does not exist fails at boot, not at the first search. */
export function checkTextIndexDeclaration(meta: EntityMetadata): void {
  for (const property of textIndexedProperties(meta.class)) {
    if (!meta.properties[property]) {
      throw new PersistenceError(PersistenceErrorCode.InvalidTextIndex, `@TextIndex on ${meta.className} names "${property}", which is not a property`);
    }
  }
}

/**
 * After discovery (PostgreSQL): the trigram indexes become part of the entities' metadata as raw
 * expressions, so the schema diff (which compares such indexes by name) neither drops the ones the
 * migrations made nor forgets to propose a missing one.
 */
export function declareTrigramIndexes(storage: MetadataStorage): void {
  for (const meta of storage) {
    for (const property of textIndexedProperties(meta.class)) {
      const column = meta.properties[property].fieldNames[0];
      const name = trigramIndexName(meta.tableName, column);
      if (meta.indexes.some((index) => index.name === name)) continue;
      meta.indexes.push({
        name,
        expression: (_columns: unknown, table: { name: string; schema?: string }, name: string) =>
          raw(`create index ?? on ${table.schema ? '??.' : ''}?? using gin (?? gin_trgm_ops)`, [name, ...(table.schema ? [table.schema] : []), table.name, column]),
      } as never);
    }
  }
}

/**
 * What the database lacks of the text indexes its entities declare (empty = nothing). The schema
 * diff cannot see SQLite's FTS5 objects, so the services' schema tests call this after migrating:
 * a property added to `@TextIndex` without its migration fails there, not at the first search.
 * PostgreSQL's trigram indexes are in the entities' metadata, so the schema diff already reports them.
 */
export async function textIndexDrift(orm: MikroORM): Promise<string[]> {
  if (!(orm.em.getPlatform() instanceof SqlitePlatform)) return [];
  const connection = orm.em.getConnection();
  const problems: string[] = [];
  for (const meta of orm.getMetadata().getAll().values()) {
    const properties = textIndexedProperties(meta.class);
    if (properties.length === 0) continue;
    const names = textIndexNames(meta.tableName);
    const columns = properties.map((property) => meta.properties[property].fieldNames[0]);
    const objects: { name: string; type: string }[] = await connection.execute(`select name, type from sqlite_master where name like ?`, [`${names.fts}%`]);
    const has = (type: string, name: string) => objects.some((object) => object.type === type && object.name === name);
    if (!has('table', names.fts)) {
      problems.push(`${meta.className}: no FTS5 table ${names.fts}`);
      continue;
    }
    const info: { name: string }[] = await connection.execute(`select name from pragma_table_info(?)`, [names.fts]);
    const indexed = info.map((column) => column.name);
    if (indexed.join() !== columns.join()) problems.push(`${meta.className}: ${names.fts} holds (${indexed.join(', ')}), @TextIndex declares (${columns.join(', ')})`);
    for (const [type, name] of [['view', names.source], ['table', names.terms], ...Object.values(names.triggers).map((trigger) => ['trigger', trigger])]) {
      if (!has(type, name)) problems.push(`${meta.className}: no ${type} ${name}`);
    }
  }
  return problems;
}
