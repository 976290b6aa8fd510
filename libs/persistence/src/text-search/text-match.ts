import { raw, type EntityClass, type EntityManager, type EntityMetadata, type EntityProperty, type FilterQuery } from '@mikro-orm/core';
import { type SqlEntityManager, SqlitePlatform } from '@mikro-orm/sql';
import { containsText } from '../contains-text';
import { SENTINEL, textIndexedProperties, textIndexNames } from './text-index';

/** "Contains" filters by property name: the text each one's value must contain (empty = no filter). */
export type ContainsFilters = Readonly<Record<string, string | null | undefined>>;

/** The filters as exact conditions (`LIKE`), on every dialect: what every query keeps. */
export function containsConditions<T>(contains: ContainsFilters): FilterQuery<T>[] {
  return Object.entries(contains)
    .filter((entry): entry is [string, string] => Boolean(entry[1]))
    .map(([property, text]) => ({ [property]: containsText(text) }) as FilterQuery<T>);
}

/** How many trigrams a 1–2 character query may expand to before the index is not worth it. */
export const MAX_PREFIX_TERMS = 256;

/**
 * The rows a text index matches for some "contains" filters. The index's matching is exact (the same
 * rows as the `LIKE` of those filters), so a query may be restricted to them and they may be
 * counted without reading the table.
 */
export interface TextIndexMatch<T> {
  /** Restricts a query to the rows the index matches (reusable: raw keys are symbols MikroORM maps back). */
  condition: FilterQuery<T>;
  /** How many rows the index matches, reading no more than `atMost` of them. */
  count(atMost?: number): Promise<number>;
  /**
   * When the index matches at most `atMost` rows: those rows as a condition naming them (so the
   * index is searched once, not by every query using it) and how many; else undefined.
   */
  few(atMost: number): Promise<{ condition: FilterQuery<T>; count: number } | undefined>;
  /** Whether the index served every filter given (else some are left to their `LIKE` alone). */
  complete: boolean;
}

/**
 * Where the dialect has a text index that can find these filters' rows itself (SQLite's FTS5), the
 * match; else undefined, and the caller's `LIKE` conditions do the work (on PostgreSQL the planner
 * takes the trigram index for them by itself; on SQL Server they scan).
 */
export async function matchTextIndex<T extends object>(em: EntityManager, entity: EntityClass<T>, contains: ContainsFilters): Promise<TextIndexMatch<T> | undefined> {
  if (!(em.getPlatform() instanceof SqlitePlatform)) return undefined;
  const indexed = new Set(textIndexedProperties(entity));
  if (indexed.size === 0) return undefined;
  const meta = em.getMetadata().get(entity) as EntityMetadata<T>;
  const names = textIndexNames(meta.tableName);
  const sql = em as unknown as SqlEntityManager;
  const parts: string[] = [];
  let complete = true;
  for (const [property, text] of Object.entries(contains)) {
    if (!text) continue;
    const column = indexed.has(property) ? (meta.properties as Record<string, EntityProperty<T>>)[property]?.fieldNames?.[0] : undefined;
    const part = column === undefined ? undefined : await ftsQuery(sql, names.terms, column, text);
    if (part === NOTHING) return nothingMatches<T>();
    if (part === undefined) complete = false;
    else parts.push(part);
  }
  if (parts.length === 0) return undefined;
  const match = parts.join(' AND ');
  const fts = quoteIdentifier(names.fts);
  return {
    complete,
    condition: { [raw((alias: string) => `${alias}.rowid in (select rowid from ${fts} where ${fts} match ?)`, [match])]: [] } as FilterQuery<T>,
    count: async (atMost) => {
      const limit = atMost === undefined ? '' : ' limit ?';
      const [row] = await sql.execute<{ n: number }[]>(`select count(*) as n from (select 1 from ${fts} where ${fts} match ?${limit})`, atMost === undefined ? [match] : [match, atMost]);
      return Number(row.n);
    },
    few: async (atMost) => {
      const rows = await sql.execute<{ rowid: number }[]>(`select rowid from ${fts} where ${fts} match ? limit ?`, [match, atMost + 1]);
      if (rows.length > atMost) return undefined;
      const ids = rows.map((row) => Number(row.rowid));
      const condition = ids.length === 0 ? NO_ROW : { [raw((alias: string) => `${alias}.rowid in (${ids.map(() => '?').join(', ')})`, ids)]: [] };
      return { condition: condition as FilterQuery<T>, count: ids.length };
    },
  };
}

const NO_ROW = { [raw('1 = 0')]: [] };

const NOTHING = Symbol('no row can match');

/**
 * One filter as an FTS5 query on its column, NOTHING when the index shows no row holds the text,
 * or undefined when the index cannot serve it. The text is folded as the indexed text was (ASCII
 * lower case) and quoted as an FTS5 string (a double quote doubled), so no character of it is
 * FTS5 syntax; the whole query then reaches SQL as a bound value.
 */
async function ftsQuery(em: SqlEntityManager, terms: string, column: string, text: string): Promise<string | typeof NOTHING | undefined> {
  const folded = text.replace(/[A-Z]/g, (c) => c.toLowerCase());
  // Text the index cannot hold as typed (its own sentinel, a lone UTF-16 surrogate) is left to LIKE.
  if (folded.includes(SENTINEL) || /\p{Cs}/u.test(folded)) return undefined;
  const filter = `{${ftsString(column)}}`;
  // Code points, as the trigram tokenizer counts them.
  const length = [...folded].length;
  if (length >= 3) return `${filter} : ${ftsString(folded)}`;
  // 1–2 characters: every occurrence begins one of the column's trigrams (the indexed text ends in
  // two sentinels), so the rows holding it are those holding a trigram with this prefix.
  const above = successor(folded);
  if (above === undefined) return undefined;
  const rows = await em.execute<{ term: string }[]>(`select term from ${quoteIdentifier(terms)} where col = ? and term >= ? and term < ? limit ?`, [
    column,
    folded,
    above,
    MAX_PREFIX_TERMS + 1,
  ]);
  if (rows.length > MAX_PREFIX_TERMS) return undefined;
  const prefixed = rows.map((row) => row.term).filter((term) => term.startsWith(folded));
  if (prefixed.length === 0) return NOTHING;
  return `${filter} : (${prefixed.map(ftsString).join(' OR ')})`;
}

/** The least string above every string starting with `prefix`, in code point order (SQLite's byte order for UTF-8); none after U+10FFFF. */
function successor(prefix: string): string | undefined {
  const points = [...prefix];
  const last = points.pop()!.codePointAt(0)!;
  if (last >= 0x10ffff) return undefined;
  return points.join('') + String.fromCodePoint(last + 1 === 0xd800 ? 0xe000 : last + 1);
}

function ftsString(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function nothingMatches<T>(): TextIndexMatch<T> {
  const condition = NO_ROW as FilterQuery<T>;
  return { complete: true, condition, count: async () => 0, few: async () => ({ condition, count: 0 }) };
}
