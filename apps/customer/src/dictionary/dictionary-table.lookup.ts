import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import { DictionaryEntry, DictionaryLookup } from '@crm/reference-data';
import { DictionaryItem } from './dictionary-item.entity';

/** The owner's view of the dictionary: its own table, so a change is valid the moment it commits. */
@Injectable()
export class DictionaryTableLookup extends DictionaryLookup {
  constructor(private readonly em: EntityManager) {
    super();
  }

  protected async liveEntries(categories: readonly string[]): Promise<DictionaryEntry[]> {
    const items = await this.em.find(DictionaryItem, { category: { $in: [...categories] } }, { disableIdentityMap: true });
    return items.map((item) => ({ itemId: item.id, category: item.category, item: item.item, value: item.value }));
  }
}
