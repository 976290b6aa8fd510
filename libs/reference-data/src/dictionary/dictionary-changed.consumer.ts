import { Controller } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import { DictionaryChangedV1, type EventOf } from '@crm/contracts';
import { applyVersioned, ConsumeEvent } from '@crm/messaging';
import { DictionaryCopyItem } from './dictionary-copy-item.entity';

/**
 * Keeps the service's copy of the data dictionary. Every change carries the whole item and its
 * version, so created, updated and republished are one upsert, applied only if newer than the
 * copy; a delete is the same upsert with `deleted = true` (a tombstone, never a row removal).
 */
@Controller()
export class DictionaryChangedConsumer {
  constructor(private readonly em: EntityManager) {}

  // Named, so the inbox identity survives renaming the class or method.
  @ConsumeEvent(DictionaryChangedV1, { consumer: 'dictionary-copy' })
  async onDictionaryChanged(event: EventOf<typeof DictionaryChangedV1>): Promise<void> {
    const { itemId, version, category, item, value, editable, change, changedAt } = event.data;
    await applyVersioned(this.em, DictionaryCopyItem, { itemId }, version, {
      category,
      item,
      value,
      editable,
      deleted: change === 'deleted',
      updatedAt: new Date(changedAt),
    });
  }
}
