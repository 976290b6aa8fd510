import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import type { VersionedCopy } from '@crm/messaging';

/**
 * One data dictionary item as this service keeps it, from `basedata.dictionary.changed.v1`
 * (the customer service owns the dictionary). A deleted item stays as a tombstone
 * (`deleted = true`, with the version of its deletion), so that an older update arriving after
 * the delete finds a newer row and cannot bring the item back.
 */
@Entity({ tableName: 'dictionary_copy' })
@Index({ name: 'dictionary_copy_category_item_idx', properties: ['category', 'item'] })
export class DictionaryCopyItem implements VersionedCopy {
  @PrimaryKey({ type: 'string', length: 64 })
  itemId!: string;

  @Property({ type: 'string', length: 100 })
  category!: string;

  @Property({ type: 'string', length: 200 })
  item!: string;

  @Property({ type: 'string', length: 200 })
  value!: string;

  @Property({ type: 'boolean' })
  editable!: boolean;

  @Property({ type: 'boolean' })
  deleted!: boolean;

  /** The owner's version of the item that this row reflects (the last applied event's). */
  @Property({ type: 'integer' })
  sourceVersion!: number;

  /** When the owner made the change this row reflects (the event's `changedAt`). */
  @Property({ type: Date })
  updatedAt!: Date;
}

/** Add to the service's orm-input entities (and generate its migration) when it imports DictionaryCopyModule. */
export const DICTIONARY_COPY_ENTITIES = [DictionaryCopyItem];
