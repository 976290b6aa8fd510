import { randomUUID } from 'node:crypto';
import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import type { UserRef } from '@crm/contracts';
import { Opportunity } from '../opportunities/opportunity.entity';

export interface PlanItemChanges {
  todo?: string;
  /** `null` clears the execution record. */
  result?: string | null;
}

/**
 * One item of an opportunity's development plan (客户开发计划, requirements §1.2): what to do on a
 * day, and later what came of it (执行效果). Its date is fixed once added. Who may change it, and
 * when, is the opportunity's rule (`Opportunity.assertPlannableBy`).
 */
@Entity({ tableName: 'plan_item' })
@Index({ name: 'plan_item_opportunity_date_idx', properties: ['opportunity', 'date'] })
export class PlanItem {
  @PrimaryKey({ type: 'string', length: 36 })
  id: string = randomUUID();

  // No index of its own (SQLite would get one): the (opportunity_id, date) index serves it.
  @ManyToOne(() => Opportunity, { index: false })
  opportunity: Opportunity;

  /** A calendar date, `YYYY-MM-DD`. */
  @Property({ type: 'date' })
  date: string;

  @Property({ type: 'string', length: 500 })
  todo: string;

  @Property({ type: 'string', length: 500, nullable: true })
  result: string | null = null;

  @Property({ type: 'string', length: 64 })
  createdById: string;

  @Property({ type: 'string', length: 100 })
  createdByName: string;

  @Property({ type: Date })
  createdAt: Date;

  @Property({ type: Date })
  updatedAt: Date;

  constructor(opportunity: Opportunity, date: string, todo: string, createdBy: UserRef) {
    this.opportunity = opportunity;
    this.date = date;
    this.todo = todo;
    this.createdById = createdBy.id;
    this.createdByName = createdBy.name;
    this.createdAt = this.updatedAt = new Date();
  }

  get createdBy(): UserRef {
    return { id: this.createdById, name: this.createdByName };
  }

  /** The todo and the execution record; the date is not editable (§1.2). */
  edit(changes: PlanItemChanges, at = new Date()): void {
    if (changes.todo !== undefined) this.todo = changes.todo;
    if (changes.result !== undefined) this.result = changes.result;
    this.updatedAt = at;
  }
}
