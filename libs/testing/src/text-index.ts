import type { EntityClass, FilterQuery, MikroORM } from '@mikro-orm/core';
import { SqlitePlatform } from '@mikro-orm/sql';
import { type ContainsFilters, containsConditions, findPageByText, type Keyed, matchTextIndex, NEWEST_FIRST, textIndexDrift } from '@crm/persistence';

/**
 * For a service's schema test, after its migrations ran and some rows were written: each of
 * `queries` ("contains" filters, with the list's other `filters`) finds the same page and total
 * through the text index as the plain LIKE query does, and finds something; on SQLite the FTS5
 * index serves every query and holds what `@TextIndex` declares. (PostgreSQL's trigram indexes
 * are in the entities' metadata, so the schema diff already reports a missing one.)
 */
export async function expectTextIndexServes<T extends Keyed>(
  orm: MikroORM,
  entity: EntityClass<T>,
  queries: readonly ContainsFilters[],
  filters: readonly FilterQuery<T>[] = [],
): Promise<void> {
  for (const contains of queries) {
    const [items, total] = await findPageByText(orm.em.fork(), entity, filters, contains, 0, 20);
    const where = { $and: [...filters, ...containsConditions<T>(contains)] } as FilterQuery<T>;
    const [expected, expectedTotal] = await orm.em.fork().findAndCount(entity, where, { orderBy: NEWEST_FIRST as never });
    expect({ contains, ids: items.map((row) => row.id), total }).toEqual({ contains, ids: expected.map((row) => row.id), total: expectedTotal });
    expect(total).toBeGreaterThan(0);
    if (orm.em.getPlatform() instanceof SqlitePlatform) expect({ contains, served: (await matchTextIndex(orm.em.fork(), entity, contains))?.complete }).toEqual({ contains, served: true });
  }
  expect(await textIndexDrift(orm)).toEqual([]);
}
