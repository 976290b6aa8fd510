import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import type { CustomerStatus } from '@crm/contracts';
import type { VersionedCopy } from '@crm/messaging';
import { LENGTH } from '../read-models/lengths';

/**
 * The latest version of one customer, from `customer.customer.created|updated.v1`: its number and
 * name for the contribution report, and what the composition report counts (normal customers by
 * level, credit and satisfaction).
 */
@Entity({ tableName: 'customer_fact' })
export class CustomerFact implements VersionedCopy {
  @PrimaryKey({ type: 'string', length: LENGTH.id })
  customerId!: string;

  @Property({ type: 'integer' })
  sourceVersion!: number;

  /** Given once by the customer service and never changed: orders name their customer by it. */
  @Property({ type: 'string', length: LENGTH.customerNo, unique: 'customer_fact_no_unique' })
  customerNo!: string;

  @Property({ type: 'string', length: LENGTH.name })
  name!: string;

  @Property({ type: 'string', length: LENGTH.id })
  managerId!: string;

  @Property({ type: 'string', length: LENGTH.name })
  managerName!: string;

  /** The 企业客户等级 dictionary item's text. */
  @Property({ type: 'string', length: LENGTH.item, nullable: true })
  level!: string | null;

  @Property({ type: 'integer', nullable: true })
  credit!: number | null;

  @Property({ type: 'integer', nullable: true })
  satisfaction!: number | null;

  @Property({ type: 'string', length: LENGTH.status })
  status!: CustomerStatus;
}
