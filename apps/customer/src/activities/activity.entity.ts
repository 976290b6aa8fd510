import { randomUUID } from 'node:crypto';
import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import type { UserRef } from '@crm/contracts';

export interface ActivityDetails {
  /** The calendar day it happened, YYYY-MM-DD. */
  date: string;
  place: string;
  summary: string;
  details: string;
  memo: string | null;
}

const FIELDS = ['date', 'place', 'summary', 'details', 'memo'] as const;

/** An interaction with a customer (交往记录, requirements §2.3); listed newest first. */
@Entity({ tableName: 'activity' })
@Index({ name: 'activity_customer_date_idx', properties: ['customerId', 'date', 'createdAt'] })
export class Activity implements ActivityDetails {
  @PrimaryKey({ type: 'string', length: 36 })
  id: string = randomUUID();

  @Property({ type: 'string', length: 36 })
  customerId: string;

  @Property({ type: 'string', length: 10 })
  date: string;

  @Property({ type: 'string', length: 100 })
  place: string;

  @Property({ type: 'string', length: 200 })
  summary: string;

  @Property({ type: 'string', length: 2000 })
  details: string;

  @Property({ type: 'string', length: 300, nullable: true })
  memo: string | null;

  @Property({ type: 'string', length: 64 })
  createdById: string;

  @Property({ type: 'string', length: 100 })
  createdByName: string;

  @Property({ type: Date })
  createdAt: Date;

  @Property({ type: Date })
  updatedAt: Date;

  @Property({ type: 'integer', version: true })
  version!: number;

  constructor(customerId: string, details: ActivityDetails, createdBy: UserRef, at = new Date()) {
    this.customerId = customerId;
    this.date = details.date;
    this.place = details.place;
    this.summary = details.summary;
    this.details = details.details;
    this.memo = details.memo;
    this.createdById = createdBy.id;
    this.createdByName = createdBy.name;
    this.createdAt = this.updatedAt = at;
  }

  get createdBy(): UserRef {
    return { id: this.createdById, name: this.createdByName };
  }

  edit(changes: Partial<ActivityDetails>, at = new Date()): void {
    for (const field of FIELDS) {
      if (changes[field] !== undefined) (this as Record<string, unknown>)[field] = changes[field];
    }
    this.updatedAt = at;
  }
}
