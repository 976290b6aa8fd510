import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import type { DictionaryItem } from './dictionary-item.entity';

/**
 * What is left of a deleted item: enough to publish its deletion again on republish, so a copy
 * that missed the original event (or lost it to a dead-letter queue) still drops the item.
 */
@Entity({ tableName: 'dictionary_tombstone' })
export class DictionaryTombstone {
  @PrimaryKey({ type: 'string', length: 36 })
  itemId: string;

  @Property({ type: 'string', length: 50 })
  category: string;

  @Property({ type: 'string', length: 50 })
  item: string;

  @Property({ type: 'string', length: 50 })
  value: string;

  /** The deletion's version: one more than the item's last. */
  @Property({ type: 'integer' })
  version: number;

  @Property({ type: Date })
  deletedAt: Date;

  constructor(item: DictionaryItem, at = new Date()) {
    this.itemId = item.id;
    this.category = item.category;
    this.item = item.item;
    this.value = item.value;
    this.version = item.version + 1;
    this.deletedAt = at;
  }
}
