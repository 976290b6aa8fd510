import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import type { CustomerStatus } from '@crm/contracts';
import type { VersionedCopy } from '@crm/messaging';

/**
 * One customer as this service keeps it, from `customer.customer.created|updated.v1` (the
 * customer service owns customers). Nothing is ever removed: a deleted customer is a row with
 * status `deleted`, so an older update delivered late finds a newer row and changes nothing.
 */
@Entity({ tableName: 'customer_copy' })
@Index({ name: 'customer_copy_manager_idx', properties: ['managerId', 'status'] })
export class CustomerCopy implements VersionedCopy {
  @PrimaryKey({ type: 'string', length: 64 })
  customerId!: string;

  /** Given once by the owner and never changed, so unique here too (and the index of lookups by number). */
  @Property({ type: 'string', length: 20, unique: 'customer_copy_no_unique' })
  customerNo!: string;

  @Property({ type: 'string', length: 100 })
  name!: string;

  @Property({ type: 'string', length: 64 })
  managerId!: string;

  @Property({ type: 'string', length: 100 })
  managerName!: string;

  /** Dictionary item texts, as the owner stores them. */
  @Property({ type: 'string', length: 50, nullable: true })
  region!: string | null;

  @Property({ type: 'string', length: 50, nullable: true })
  level!: string | null;

  @Property({ type: 'integer', nullable: true })
  credit!: number | null;

  @Property({ type: 'integer', nullable: true })
  satisfaction!: number | null;

  @Property({ type: 'string', length: 10 })
  status!: CustomerStatus;

  /** The owner's version of the customer that this row reflects (the last applied event's). */
  @Property({ type: 'integer' })
  sourceVersion!: number;

  /** When the owner last changed the customer (the snapshot's `updatedAt`). */
  @Property({ type: Date })
  updatedAt!: Date;
}

/** Add to the service's orm-input entities (and generate its migration) when it imports CustomerCopyModule. */
export const CUSTOMER_COPY_ENTITIES = [CustomerCopy];
