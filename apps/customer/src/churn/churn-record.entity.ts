import { Collection } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, OneToMany, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import type { ChurnStatus, UserRef } from '@crm/contracts';
import { ORDER_NO_LENGTH } from '../orders/customer-order-activity.entity';
import { ChurnError, ChurnErrorCode } from './churn.errors';
import { timeOrderedUuid } from './time-ordered-id';

/** What a record keeps of its customer: refreshed from the customer on every change of the record. */
export interface ChurnCustomer {
  id: string;
  customerNo: string;
  name: string;
  manager: UserRef;
}

export const OPEN_CHURN_STATUSES: readonly ChurnStatus[] = ['warning', 'deferred'];

/**
 * A churn record (客户流失, requirements §2.5): `warning` (the Saturday scan) → `deferred` (its
 * manager appended a measure, again and again) → `confirmed` (with a reason; the customer is then
 * churned), or `closed` when the customer orders again while it is open (beyond the spec).
 *
 * At most one open record per customer is a database fact, on every dialect: `open_key` is the
 * customer's id while the record is open and the record's own id once it is confirmed or closed,
 * under a plain unique index that every dialect and the schema diff treat alike (a partial index
 * would need each dialect's own DDL, by hand).
 */
@Entity({ tableName: 'churn_record' })
@Index({ name: 'churn_record_warned_idx', properties: ['warnedAt', 'id'] })
@Index({ name: 'churn_record_status_warned_idx', properties: ['status', 'warnedAt', 'id'] })
@Index({ name: 'churn_record_customer_idx', properties: ['customerId', 'warnedAt'] })
export class ChurnRecord {
  @PrimaryKey({ type: 'string', length: 36 })
  id: string = timeOrderedUuid();

  @Property({ type: 'string', length: 36 })
  customerId: string;

  @Property({ type: 'string', length: 20 })
  customerNo: string;

  @Property({ type: 'string', length: 100 })
  customerName: string;

  /** The customer's manager when warned, brought up to date by every change of the record. */
  @Property({ type: 'string', length: 64 })
  managerId: string;

  @Property({ type: 'string', length: 100 })
  managerName: string;

  /** The customer's last order the service knew of when warning, YYYY-MM-DD; null: never ordered. */
  @Property({ type: 'date', nullable: true })
  lastOrderDate: string | null;

  @Property({ type: Date })
  warnedAt: Date;

  @Property({ type: 'string', length: 10 })
  status: ChurnStatus = 'warning';

  /** The customer's id while open, the record's id once confirmed or closed (unique). */
  @Property({ type: 'string', length: 36, unique: 'churn_record_open_key_unique' })
  openKey: string;

  @OneToMany(() => ChurnMeasure, (measure) => measure.record, { orderBy: { at: 'asc', id: 'asc' } })
  measures = new Collection<ChurnMeasure>(this);

  @Property({ type: 'string', length: 500, nullable: true })
  reason: string | null = null;

  @Property({ type: Date, nullable: true })
  confirmedAt: Date | null = null;

  @Property({ type: Date, nullable: true })
  closedAt: Date | null = null;

  /** The order whose date showed the customer had ordered within the six months. */
  @Property({ type: 'string', length: ORDER_NO_LENGTH, nullable: true })
  closedByOrderNo: string | null = null;

  @Property({ type: Date })
  updatedAt: Date;

  /** Optimistic lock: a measure, a confirmation and a reorder racing for one record — one wins. */
  @Property({ type: 'integer', version: true })
  version!: number;

  constructor(customer: ChurnCustomer, lastOrderDate: string | null, warnedAt: Date) {
    this.customerId = customer.id;
    this.openKey = customer.id;
    this.customerNo = customer.customerNo;
    this.customerName = customer.name;
    this.managerId = customer.manager.id;
    this.managerName = customer.manager.name;
    this.lastOrderDate = lastOrderDate;
    this.warnedAt = this.updatedAt = warnedAt;
  }

  get manager(): UserRef {
    return { id: this.managerId, name: this.managerName };
  }

  get isOpen(): boolean {
    return OPEN_CHURN_STATUSES.includes(this.status);
  }

  /** Name and manager as the customer has them now (a reassigned customer's record follows it). */
  follow(customer: ChurnCustomer): void {
    this.customerName = customer.name;
    this.managerId = customer.manager.id;
    this.managerName = customer.manager.name;
  }

  /** 暂缓流失: a measure appended; allowed again and again while the record is open. */
  defer(measure: string, by: UserRef, at: Date): ChurnMeasure {
    this.assertOpen('take a measure on');
    const added = new ChurnMeasure(this, measure, by, at);
    this.measures.add(added);
    this.status = 'deferred';
    // Touches the row even when the status stays: the version (and the event's) moves with every measure.
    this.updatedAt = at;
    return added;
  }

  /** 确认流失: only after at least one measure, with a reason (validated by the DTO). */
  confirm(reason: string, at: Date): void {
    this.assertOpen('confirm');
    if (this.measures.length === 0) {
      throw new ChurnError(ChurnErrorCode.NoMeasure, 'A churn can be confirmed only after at least one measure (暂缓流失) was taken.');
    }
    this.status = 'confirmed';
    this.reason = reason;
    this.confirmedAt = this.updatedAt = at;
    this.openKey = this.id;
  }

  /** The customer ordered within the six months after all: the warning no longer holds. */
  close(orderNo: string, at: Date): void {
    this.assertOpen('close');
    this.status = 'closed';
    this.closedByOrderNo = orderNo;
    this.closedAt = this.updatedAt = at;
    this.openKey = this.id;
  }

  private assertOpen(action: string): void {
    if (!this.isOpen) throw new ChurnError(ChurnErrorCode.NotOpen, `Cannot ${action} a churn record that is ${this.status}.`);
  }
}

/** A measure (措施) against a churn, kept with its time and author; never edited. */
@Entity({ tableName: 'churn_measure' })
@Index({ name: 'churn_measure_record_idx', properties: ['record', 'at'] })
export class ChurnMeasure {
  @PrimaryKey({ type: 'string', length: 36 })
  id: string = timeOrderedUuid();

  // No index of its own (SQLite would get one): the (record_id, at) index serves it.
  @ManyToOne(() => ChurnRecord, { index: false })
  record: ChurnRecord;

  @Property({ type: 'string', length: 500 })
  measure: string;

  @Property({ type: Date })
  at: Date;

  @Property({ type: 'string', length: 64 })
  byId: string;

  @Property({ type: 'string', length: 100 })
  byName: string;

  constructor(record: ChurnRecord, measure: string, by: UserRef, at: Date) {
    this.record = record;
    this.measure = measure;
    this.byId = by.id;
    this.byName = by.name;
    this.at = at;
  }

  get by(): UserRef {
    return { id: this.byId, name: this.byName };
  }
}
