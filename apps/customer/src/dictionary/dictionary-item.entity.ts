import { randomUUID } from 'node:crypto';
import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { DictionaryError, DictionaryErrorCode } from './dictionary.errors';

export interface DictionaryItemDetails {
  category: string;
  item: string;
  value: string;
  editable: boolean;
}

/**
 * One option of a select-like field (数据字典, requirements §5): e.g. category 服务类型, item 咨询,
 * value 1. Fields store the item's text. Items marked not editable are read only.
 */
@Entity({ tableName: 'dictionary_item' })
@Unique({ name: 'dictionary_item_category_item_unique', properties: ['category', 'item'] })
@Index({ name: 'dictionary_item_category_idx', properties: ['category', 'value'] })
export class DictionaryItem implements DictionaryItemDetails {
  @PrimaryKey({ type: 'string', length: 36 })
  id: string = randomUUID();

  @Property({ type: 'string', length: 50 })
  category: string;

  @Property({ type: 'string', length: 50 })
  item: string;

  @Property({ type: 'string', length: 50 })
  value: string;

  @Property({ type: 'boolean' })
  editable: boolean;

  @Property({ type: Date })
  createdAt: Date;

  @Property({ type: Date })
  updatedAt: Date;

  @Property({ type: 'integer', version: true })
  version!: number;

  constructor(details: DictionaryItemDetails, at = new Date()) {
    this.category = details.category;
    this.item = details.item;
    this.value = details.value;
    this.editable = details.editable;
    this.createdAt = this.updatedAt = at;
  }

  /** Editable items only; `editable: false` makes it read only from then on. */
  edit(changes: Partial<DictionaryItemDetails>, at = new Date()): string[] {
    this.assertEditable('edited');
    const changed: string[] = [];
    for (const field of ['category', 'item', 'value', 'editable'] as const) {
      if (changes[field] !== undefined && changes[field] !== this[field]) {
        (this as Record<string, unknown>)[field] = changes[field];
        changed.push(field);
      }
    }
    if (changed.length) this.updatedAt = at;
    return changed;
  }

  assertEditable(action: 'edited' | 'deleted'): void {
    if (!this.editable) {
      throw new DictionaryError(DictionaryErrorCode.NotEditable, `The item ${this.category}/${this.item} is read only and cannot be ${action}.`);
    }
  }
}
