import type { EntityManager } from '@mikro-orm/core';
import { DictionaryChange, DictionaryChangedV1, EventData } from '@crm/contracts';
import type { EventOutbox } from '@crm/messaging';
import type { DictionaryItem } from './dictionary-item.entity';
import type { DictionaryTombstone } from './dictionary-tombstone.entity';

/**
 * Records `basedata.dictionary.changed.v1` with the item as this commit leaves it. Recorded before
 * the flush, so the version is the one the commit produces (1 for a new item, else one more than
 * loaded); a deletion carries one more than the last version, the copies' tombstone.
 */
export function recordDictionaryChange(outbox: EventOutbox, em: EntityManager, item: DictionaryItem, change: DictionaryChange): void {
  const version = change === 'republished' ? item.version : item.version === undefined ? 1 : item.version + 1;
  record(outbox, em, { itemId: item.id, version, category: item.category, item: item.item, value: item.value, editable: item.editable }, change);
}

/** A deleted item's deletion, published again (its tombstone's version, so copies that have it ignore it). */
export function recordTombstone(outbox: EventOutbox, em: EntityManager, tombstone: DictionaryTombstone): void {
  const { itemId, version, category, item, value } = tombstone;
  record(outbox, em, { itemId, version, category, item, value, editable: true }, 'deleted');
}

function record(
  outbox: EventOutbox,
  em: EntityManager,
  data: Omit<EventData<typeof DictionaryChangedV1>, 'change' | 'changedAt'>,
  change: DictionaryChange,
): void {
  outbox.record(em, DictionaryChangedV1, { ...data, change, changedAt: new Date().toISOString() }, { subject: data.itemId });
}
