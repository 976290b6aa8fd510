import type { EntityClass, EntityManager, FilterQuery } from '@mikro-orm/core';
import { type ContainsFilters, containsConditions, matchTextIndex } from '../text-search/text-match';

/** A row as lists order it: newest first, ties by id (descending), the order of `NEWEST_FIRST`. */
export interface Keyed {
  id: string;
  createdAt: Date;
}

export const NEWEST_FIRST = { createdAt: 'desc', id: 'desc' } as const;

function newestFirst(a: Keyed, b: Keyed): number {
  return b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** The ids of one page of `keys` in list order. */
export function pageOfKeys(keys: readonly Keyed[], offset: number, limit: number): string[] {
  return [...keys].sort(newestFirst).slice(offset, offset + limit).map((key) => key.id);
}

/** The rows with these ids, in the order given (ids no longer there are skipped). */
export async function findInOrder<T extends Keyed>(em: EntityManager, entity: EntityClass<T>, ids: readonly string[]): Promise<T[]> {
  if (ids.length === 0) return [];
  const rows = new Map((await em.find(entity, { id: { $in: [...ids] } } as unknown as FilterQuery<T>)).map((row) => [row.id, row]));
  return ids.flatMap((id) => rows.get(id) ?? []);
}

/**
 * One page of the rows matching ANY of `branches`, newest first. An OR of conditions on different
 * columns cannot be served by one index, so the database would sort every candidate; instead each
 * branch reads only the keys of its first `offset + limit` rows, in order, from its own index
 * (e.g. status, created_at), and the page is cut from their merge. The cost grows with the page
 * number, never with the table.
 */
export async function findPageOfUnion<T extends Keyed>(
  em: EntityManager,
  entity: EntityClass<T>,
  branches: readonly FilterQuery<T>[],
  offset: number,
  limit: number,
): Promise<T[]> {
  const perBranch = await Promise.all(
    branches.map((where) =>
      em.find(entity, where, { fields: ['id', 'createdAt'] as never, orderBy: NEWEST_FIRST as never, limit: offset + limit, disableIdentityMap: true }),
    ),
  );
  const unique = new Map<string, Keyed>();
  for (const row of perBranch.flat()) unique.set(row.id, row);
  return findInOrder(em, entity, pageOfKeys([...unique.values()], offset, limit));
}

/**
 * Without a text index, up to this many matching keys are read to page sparse matches from them;
 * with one, this many matches at most narrow every query of a union (sparseTextMatches).
 */
export const SPARSE_TEXT_MATCHES = 500;

/**
 * Up to this many matches of a text index are paged by sorting them (a random read each, about
 * 1 µs on SQLite); beyond, walking the list's order reaches a page sooner (see findPageByText).
 */
export const FEW_INDEX_MATCHES = 2000;

/**
 * Dense matches up to this many are counted by looking up the text index's rows (a random read
 * each, about 1 µs on SQLite); beyond that, reading the table in order is as cheap.
 */
export const INDEXED_COUNT_LIMIT = 5000;

/**
 * One page (and the count) of the rows matching `filters` and the "contains" filters, newest first.
 *
 * Where the dialect's text index finds matches itself (SQLite, see text-match.ts), it is searched
 * first (no table rows read):
 * - up to FEW_INDEX_MATCHES: the page query starts from those rows and sorts them, so its cost
 *   grows with the matches, never with the table;
 * - more: matches are dense, so walking the list's order finds a page after a short way.
 * The total is the index's own count when nothing else filters (its matching is exact), else
 * counted from the matching rows when they are at most INDEXED_COUNT_LIMIT, else from the table.
 * Elsewhere (PostgreSQL, whose planner takes the trigram index for the LIKE itself; SQL Server) up
 * to SPARSE_TEXT_MATCHES matching keys are read first: all of them when matches are sparse, else
 * the ordered walk as above.
 */
export async function findPageByText<T extends Keyed>(
  em: EntityManager,
  entity: EntityClass<T>,
  filters: readonly FilterQuery<T>[],
  contains: ContainsFilters,
  offset: number,
  limit: number,
): Promise<[T[], number]> {
  const where = { $and: [...filters, ...containsConditions<T>(contains)] } as FilterQuery<T>;
  const index = await matchTextIndex(em, entity, contains);
  if (!index) return findPageFromLikeKeys(em, entity, where, offset, limit);
  const countedByIndex = filters.length === 0 && index.complete;
  const few = await index.few(FEW_INDEX_MATCHES);
  if (few) {
    const fromMatches = { $and: [where, few.condition] } as FilterQuery<T>;
    const items = await em.find(entity, fromMatches, { orderBy: NEWEST_FIRST as never, limit, offset });
    return [items, countedByIndex ? few.count : await em.count(entity, fromMatches)];
  }
  const items = await em.find(entity, where, { orderBy: NEWEST_FIRST as never, limit, offset });
  if (countedByIndex) return [items, await index.count()];
  const lookups = (await index.count(INDEXED_COUNT_LIMIT + 1)) <= INDEXED_COUNT_LIMIT;
  return [items, await em.count(entity, lookups ? ({ $and: [where, index.condition] } as FilterQuery<T>) : where)];
}

/**
 * A condition that makes any query start from the rows a text index matches, when they are few
 * (at most SPARSE_TEXT_MATCHES); undefined when there is no such index or matches are dense. Add
 * it to queries that already hold the filters' `containsConditions` (e.g. the branches of
 * findPageOfUnion and their counts).
 */
export async function sparseTextMatches<T extends object>(em: EntityManager, entity: EntityClass<T>, contains: ContainsFilters): Promise<FilterQuery<T> | undefined> {
  const index = await matchTextIndex(em, entity, contains);
  return index ? (await index.few(SPARSE_TEXT_MATCHES))?.condition : undefined;
}

/**
 * Without an index that finds matches itself, a "contains" filter can only scan less: walking the
 * list's order reads every row when matches are rare, while reading the matches' keys alone is one
 * pass over an index (or, on PostgreSQL, a trigram index search). So up to SPARSE_TEXT_MATCHES
 * keys are read first: when that is all of them they are the count and the page is cut from them;
 * otherwise matches are dense, and the ordered walk finds a page after a short way.
 */
async function findPageFromLikeKeys<T extends Keyed>(em: EntityManager, entity: EntityClass<T>, where: FilterQuery<T>, offset: number, limit: number): Promise<[T[], number]> {
  const keys = await em.find(entity, where, { fields: ['id', 'createdAt'] as never, limit: SPARSE_TEXT_MATCHES + 1, disableIdentityMap: true });
  if (keys.length > SPARSE_TEXT_MATCHES) return em.findAndCount(entity, where, { orderBy: NEWEST_FIRST as never, limit, offset });
  return [await findInOrder(em, entity, pageOfKeys(keys, offset, limit)), keys.length];
}
