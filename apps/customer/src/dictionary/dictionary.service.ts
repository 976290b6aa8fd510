import { Injectable } from '@nestjs/common';
import { EntityManager, OptimisticLockError, UniqueConstraintViolationException } from '@mikro-orm/core';
import { EventOutbox } from '@crm/messaging';
import { DictionaryItem, DictionaryItemDetails } from './dictionary-item.entity';
import { DictionaryError, DictionaryErrorCode } from './dictionary.errors';
import { recordDictionaryChange, recordTombstone } from './dictionary-events';
import { DictionaryTombstone } from './dictionary-tombstone.entity';

/**
 * The data dictionary (requirements §5), owned by this service: every change commits with its
 * `basedata.dictionary.changed.v1` event, which the other services' copies are fed from.
 */
@Injectable()
export class DictionaryService {
  constructor(
    private readonly em: EntityManager,
    private readonly outbox: EventOutbox,
  ) {}

  list(category?: string): Promise<DictionaryItem[]> {
    return this.em.find(DictionaryItem, category ? { category } : {}, { orderBy: { category: 'asc', value: 'asc', item: 'asc' } });
  }

  async create(details: DictionaryItemDetails): Promise<DictionaryItem> {
    const item = new DictionaryItem(details);
    return this.write(async (em) => {
      em.persist(item);
      recordDictionaryChange(this.outbox, em, item, 'created');
      return item;
    });
  }

  async update(id: string, changes: Partial<DictionaryItemDetails>): Promise<DictionaryItem> {
    return this.write(async (em) => {
      const item = await this.find(em, id);
      if (item.edit(changes).length > 0) recordDictionaryChange(this.outbox, em, item, 'updated');
      return item;
    });
  }

  async remove(id: string): Promise<void> {
    await this.write(async (em) => {
      const item = await this.find(em, id);
      item.assertEditable('deleted');
      recordDictionaryChange(this.outbox, em, item, 'deleted');
      // The version in the condition: an edit committed meanwhile wins (409) instead of vanishing.
      const deleted = await em.nativeDelete(DictionaryItem, { id, version: item.version, editable: true });
      if (deleted === 0) throw new OptimisticLockError('dictionary item changed meanwhile');
      em.persist(new DictionaryTombstone(item));
    });
  }

  /**
   * Publishes every item again (change `republished`, its current version) and every deletion
   * (its tombstone), so that a service that subscribed late — or lost an event — can correct its
   * copy. Copies that are current ignore them.
   */
  async republish(): Promise<number> {
    return this.write(async (em) => {
      const items = await em.find(DictionaryItem, {}, { orderBy: { category: 'asc', item: 'asc' } });
      const tombstones = await em.find(DictionaryTombstone, {}, { orderBy: { deletedAt: 'asc' } });
      for (const item of items) recordDictionaryChange(this.outbox, em, item, 'republished');
      for (const tombstone of tombstones) recordTombstone(this.outbox, em, tombstone);
      return items.length + tombstones.length;
    });
  }

  private async find(em: EntityManager, id: string): Promise<DictionaryItem> {
    const item = await em.findOne(DictionaryItem, { id });
    if (!item) throw new DictionaryError(DictionaryErrorCode.NotFound, `No dictionary item ${id}.`);
    return item;
  }

  private async write<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.em.transactional(work);
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        throw new DictionaryError(DictionaryErrorCode.Duplicate, 'This category already has an item with that text.', [
          { field: 'item', message: 'must be unique within its category' },
        ]);
      }
      if (error instanceof OptimisticLockError) {
        throw new DictionaryError(DictionaryErrorCode.ConcurrentUpdate, 'The item was changed by someone else; reload and retry.');
      }
      throw error;
    }
  }
}
