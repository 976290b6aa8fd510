import type { EntityClass, EntityData, EntityManager, FilterQuery, RequiredEntityData } from '@mikro-orm/core';

/** A row that mirrors another service's aggregate, as of the version its last applied event carried. */
export interface VersionedCopy {
  sourceVersion: number;
}

export type CopyOutcome = 'applied' | 'stale';

/**
 * Applies one event to a local copy of another service's aggregate, only if the event is newer
 * than the copy: events are not delivered in version order (retries, several relays and consumer
 * slots), so an older version arriving after a newer one must change nothing. The version check
 * is part of the UPDATE's condition, so two events of one aggregate applied concurrently can never
 * let the older one win. A concurrent first insert of the same aggregate fails on its key and the
 * consumer retries it, then finds the row.
 *
 * Call it from a @ConsumeEvent handler with the injected EntityManager, so the copy commits with the
 * inbox mark.
 */
export async function applyVersioned<T extends VersionedCopy>(
  em: EntityManager,
  entity: EntityClass<T>,
  key: FilterQuery<T> & object,
  version: number,
  data: EntityData<T>,
): Promise<CopyOutcome> {
  const values = { ...data, sourceVersion: version } as EntityData<T>;
  const updated = await em.nativeUpdate(entity, { $and: [key, { sourceVersion: { $lt: version } }] } as FilterQuery<T>, values);
  if (updated > 0) return 'applied';
  if ((await em.count(entity, key)) > 0) return 'stale';
  await em.insert(entity, { ...key, ...values } as RequiredEntityData<T>);
  return 'applied';
}
