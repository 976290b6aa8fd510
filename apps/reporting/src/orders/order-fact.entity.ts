import { BigIntType } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import type { OrderStatus } from '@crm/contracts';
import type { VersionedCopy } from '@crm/messaging';
import { LENGTH } from '../read-models/lengths';

/**
 * The latest version of one order of the sales system, from `sales.order.recorded.v1`: what the
 * contribution report counts of it. Kept for every order in every status, so that a later version
 * can be compared with it and the aggregates rebuilt from these rows alone.
 */
@Entity({ tableName: 'order_fact' })
export class OrderFact implements VersionedCopy {
  @PrimaryKey({ type: 'string', length: LENGTH.id })
  orderId!: string;

  @Property({ type: 'integer' })
  sourceVersion!: number;

  @Property({ type: 'string', length: LENGTH.customerNo })
  customerNo!: string;

  /** The year of the order's date (a calendar date of the sales system). */
  @Property({ type: 'integer' })
  orderYear!: number;

  @Property({ type: 'string', length: LENGTH.status })
  status!: OrderStatus;

  /** The order's total in whole cents. */
  @Property({ type: new BigIntType('number') })
  amountCents!: number;

  /** Shipped or paid (the contract's order history): what the contribution report counts. */
  @Property({ type: 'boolean' })
  counted!: boolean;
}
