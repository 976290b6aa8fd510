import type { EntityManager } from '@mikro-orm/core';
import { DictionaryChange, DictionaryChangedV1 } from '@crm/contracts';
import type { EventOutbox } from '@crm/messaging';
import type { DictionaryItem } from './dictionary-item.entity';

/**
 * Records `basedata.dictionary.changed.v1` with the item as this commit leaves it. Recorded before
 * the flush, so the version is the one the commit produces (1 for a new item, else one more than
 * loaded); a deletion carries one more than the last version, the copies' tombstone.
 */
export function recordDictionaryChange(outbox: EventOutbox, em: EntityManager, item: DictionaryItem, change: DictionaryChange): void {
  const version = change === 'republished' ? item.version : item.version === undefined ? 1 : item.version + 1;
  outbox.record(
    em,
    DictionaryChangedV1,
    {
      itemId: item.id,
      version,
      category: item.category,
      item: item.item,
      value: item.value,
      editable: item.editable,
      change,
      changedAt: new Date().toISOString(),
    },
    { subject: item.id },
  );
}
