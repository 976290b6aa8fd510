import type { EntityClass, EntityManager, FilterQuery } from '@mikro-orm/core';

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

/** Up to this many matches of a text filter are paged from their keys (see findPageByText). */
export const SPARSE_TEXT_MATCHES = 500;

/**
 * One page (and the count) of rows under a "contains" text filter, newest first. Such a filter
 * cannot use an index to find matches, only to scan less: walking the list's order reads every row
 * when matches are rare (tens of ms at 100,000 on SQLite), while reading the matches' keys alone
 * is one pass over an index. So up to SPARSE_TEXT_MATCHES keys are read first: when that is all
 * of them they are the count and the page is cut from them; otherwise matches are dense, and the
 * ordered walk finds a page after a short way.
 */
export async function findPageByText<T extends Keyed>(
  em: EntityManager,
  entity: EntityClass<T>,
  where: FilterQuery<T>,
  offset: number,
  limit: number,
): Promise<[T[], number]> {
  const keys = await em.find(entity, where, { fields: ['id', 'createdAt'] as never, limit: SPARSE_TEXT_MATCHES + 1, disableIdentityMap: true });
  if (keys.length > SPARSE_TEXT_MATCHES) return em.findAndCount(entity, where, { orderBy: NEWEST_FIRST as never, limit, offset });
  return [await findInOrder(em, entity, pageOfKeys(keys, offset, limit)), keys.length];
}
