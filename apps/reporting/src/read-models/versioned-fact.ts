import { type EntityClass, type EntityData, type EntityKey, type EntityManager, type FilterQuery, LockMode, type RequiredEntityData } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import type { VersionedCopy } from '@crm/messaging';

/** What applying an event did to its fact: nothing (an older or the same version), or replaced `previous` (null: the first seen). */
export type FactChange<T> = { outcome: 'stale' } | { outcome: 'applied'; previous: T | null };

/**
 * Keeps the latest version of another service's aggregate as a fact, like `applyVersioned`
 * (@crm/messaging), and also answers what the fact held before, so that the caller can move its
 * aggregates by the difference in the same transaction. The row is read with a write lock
 * (PostgreSQL `for update`, SQL Server `updlock`; SQLite's writer is alone anyway), so two
 * versions of one aggregate applied at once are applied one after the other, each against what the
 * other left. A first insert skips a row that exists (`on conflict do nothing`; SQL Server: a MERGE
 * that only inserts): when another handler inserted the same new aggregate meanwhile, the row it
 * committed is read and the event goes on from there, instead of failing.
 *
 * Call it from a @ConsumeEvent handler with the injected EntityManager (the inbox transaction).
 */
export async function replaceIfNewer<T extends VersionedCopy>(
  em: EntityManager,
  entity: EntityClass<T>,
  key: FilterQuery<T> & object,
  version: number,
  data: EntityData<T>,
): Promise<FactChange<T>> {
  const previous = await em.findOne(entity, key, { lockMode: LockMode.PESSIMISTIC_WRITE, disableIdentityMap: true });
  const values = { ...data, sourceVersion: version } as EntityData<T>;
  if (previous) {
    if (previous.sourceVersion >= version) return { outcome: 'stale' };
    await em.nativeUpdate(entity, key, values);
    return { outcome: 'applied', previous };
  }
  const keyProperties = Object.keys(key) as EntityKey<T>[];
  const inserted = await (em as SqlEntityManager)
    .createQueryBuilder(entity)
    .insert({ ...key, ...values } as RequiredEntityData<T>)
    .onConflict(keyProperties)
    .ignore()
    .execute('run');
  if (inserted.affectedRows === 0) return replaceIfNewer(em, entity, key, version, data);
  return { outcome: 'applied', previous: null };
}
