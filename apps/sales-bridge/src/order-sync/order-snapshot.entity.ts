import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/**
 * What the bridge last saw of one order of the sales system, and published. The sales system
 * keeps no change timestamps, so a change is found by comparing an order's current state with
 * this row: status, customer, date, address and a digest of its lines.
 */
/** The CRM's customer numbers are at most this long (KH + date + sequence); the snapshot keeps no longer one. */
export const CUSTOMER_NO_LENGTH = 20;

@Entity({ tableName: 'order_snapshot' })
// The live sweep walks the orders that can still change (not yet paid) in key order.
@Index({ name: 'order_snapshot_live_idx', properties: ['live', 'orderId'] })
export class OrderSnapshot {
  /** The order's key in the sales system. */
  @PrimaryKey({ type: 'integer', autoincrement: false })
  orderId: number;

  @Property({ type: 'string', length: CUSTOMER_NO_LENGTH })
  customerNo: string;

  @Property({ type: 'date' })
  orderDate: string;

  @Property({ type: 'integer' })
  statusCode: number;

  /** Not yet paid (status 1–5): still expected to change, so swept more often. */
  @Property({ type: 'boolean' })
  live: boolean;

  /** sha1 of everything published about the order: a different digest is a change. */
  @Property({ type: 'string', length: 40 })
  digest: string;

  /** The version of the last event published for it (1 for the first). */
  @Property({ type: 'integer' })
  version: number;

  @Property({ type: Date })
  seenAt: Date;

  constructor(orderId: number, state: ObservedOrder, seenAt: Date) {
    this.orderId = orderId;
    this.customerNo = state.customerNo;
    this.orderDate = state.orderDate;
    this.statusCode = state.statusCode;
    this.live = state.statusCode !== 6;
    this.digest = state.digest;
    this.version = 1;
    this.seenAt = seenAt;
  }

  /** Takes the new state; false when nothing published about the order changed. */
  observe(state: ObservedOrder, at: Date): boolean {
    if (state.digest === this.digest) return false;
    this.customerNo = state.customerNo;
    this.orderDate = state.orderDate;
    this.statusCode = state.statusCode;
    this.live = state.statusCode !== 6;
    this.digest = state.digest;
    this.version += 1;
    this.seenAt = at;
    return true;
  }
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
