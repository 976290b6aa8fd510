import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** The CRM's customer numbers are at most this long (KH + date + sequence); the snapshot keeps no longer one. */
export const CUSTOMER_NO_LENGTH = 20;

/**
 * What the bridge last saw of one order of the sales system, and published. The sales system
 * keeps no change timestamps, so a change is found by comparing an order's current state with
 * this row: status, customer, date, address and a digest of its lines. Written set-based by
 * OrderSync (plain rows), never loaded as entities to compare.
 */
@Entity({ tableName: 'order_snapshot' })
// The live sweep walks the orders that can still change (not yet paid) in key order.
@Index({ name: 'order_snapshot_live_idx', properties: ['live', 'orderId'] })
export class OrderSnapshot {
  /** The order's key in the sales system. */
  @PrimaryKey({ type: 'integer', autoincrement: false })
  orderId!: number;

  @Property({ type: 'string', length: CUSTOMER_NO_LENGTH })
  customerNo!: string;

  @Property({ type: 'date' })
  orderDate!: string;

  @Property({ type: 'integer' })
  statusCode!: number;

  /** Not yet paid (status 1–5): still expected to change, so swept more often. */
  @Property({ type: 'boolean' })
  live!: boolean;

  /** sha1 of everything published about the order: a different digest is a change. */
  @Property({ type: 'string', length: 40 })
  digest!: string;

  /** The version of the last event published for it (1 for the first). */
  @Property({ type: 'integer' })
  version!: number;

  @Property({ type: Date })
  seenAt!: Date;
}

/** One order as read from the sales system, with its lines summed up. */
export interface ObservedOrder {
  orderId: number;
  customerNo: string;
  orderDate: string;
  statusCode: number;
  deliveryAddress: string | null;
  totalCents: number;
  lineCount: number;
  digest: string;
}
