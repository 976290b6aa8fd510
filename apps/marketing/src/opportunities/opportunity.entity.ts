import { randomUUID } from 'node:crypto';
import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import type { OpportunityStatus, UserRef } from '@crm/contracts';
import { OpportunityError, OpportunityErrorCode } from './opportunity.errors';

export interface OpportunityDetails {
  source: string | null;
  customerName: string;
  successRate: number;
  summary: string;
  contact: string | null;
  contactPhone: string | null;
  description: string;
}

export const EDITABLE_FIELDS = ['source', 'customerName', 'successRate', 'summary', 'contact', 'contactPhone', 'description'] as const;

/**
 * A sales opportunity (销售机会, requirements §1.1) and its state machine:
 * unassigned → assigned (reassignable) → succeeded | failed. The rules live here so that every
 * path through the service obeys them.
 */
@Entity({ tableName: 'opportunity' })
@Index({ name: 'opportunity_status_created_idx', properties: ['status', 'createdAt'] })
@Index({ name: 'opportunity_assignee_idx', properties: ['assigneeId'] })
export class Opportunity {
  @PrimaryKey({ type: 'string', length: 36 })
  id: string = randomUUID();

  @Property({ type: 'string', length: 100, nullable: true })
  source: string | null;

  @Property({ type: 'string', length: 100 })
  customerName: string;

  @Property({ type: 'integer' })
  successRate: number;

  @Property({ type: 'string', length: 200 })
  summary: string;

  @Property({ type: 'string', length: 50, nullable: true })
  contact: string | null;

  @Property({ type: 'string', length: 50, nullable: true })
  contactPhone: string | null;

  @Property({ type: 'string', length: 2000 })
  description: string;

  @Property({ type: 'string', length: 20 })
  status: OpportunityStatus = 'unassigned';

  @Property({ type: 'string', length: 64 })
  createdById: string;

  @Property({ type: 'string', length: 100 })
  createdByName: string;

  @Property({ type: Date })
  createdAt: Date;

  @Property({ type: Date })
  updatedAt: Date;

  @Property({ type: 'string', length: 64, nullable: true })
  assigneeId: string | null = null;

  @Property({ type: 'string', length: 100, nullable: true })
  assigneeName: string | null = null;

  @Property({ type: Date, nullable: true })
  assignedAt: Date | null = null;

  @Property({ type: 'string', length: 64, nullable: true })
  assignedById: string | null = null;

  @Property({ type: 'string', length: 100, nullable: true })
  assignedByName: string | null = null;

  @Property({ type: Date, nullable: true })
  decidedAt: Date | null = null;

  /** Optimistic lock: two supervisors assigning at once cannot both win silently. */
  @Property({ type: 'integer', version: true })
  version!: number;

  constructor(details: OpportunityDetails, createdBy: UserRef) {
    this.source = details.source;
    this.customerName = details.customerName;
    this.successRate = details.successRate;
    this.summary = details.summary;
    this.contact = details.contact;
    this.contactPhone = details.contactPhone;
    this.description = details.description;
    this.createdById = createdBy.id;
    this.createdByName = createdBy.name;
    this.createdAt = this.updatedAt = new Date();
  }

  get createdBy(): UserRef {
    return { id: this.createdById, name: this.createdByName };
  }

  get assignee(): UserRef | null {
    return this.assigneeId ? { id: this.assigneeId, name: this.assigneeName ?? '' } : null;
  }

  /** The fields users enter (§1.1), as one object for responses and events. */
  get details(): OpportunityDetails {
    return {
      source: this.source,
      customerName: this.customerName,
      successRate: this.successRate,
      summary: this.summary,
      contact: this.contact,
      contactPhone: this.contactPhone,
      description: this.description,
    };
  }

  /** Only while unassigned; only the fields of §1.1 (the DTO already rejects others). */
  edit(changes: Partial<OpportunityDetails>): void {
    this.requireUnassigned('edited');
    for (const field of EDITABLE_FIELDS) {
      if (changes[field] !== undefined) (this as Record<string, unknown>)[field] = changes[field];
    }
    this.updatedAt = new Date();
  }

  /** Only while unassigned and only by its creator. */
  assertDeletableBy(userId: string): void {
    this.requireUnassigned('deleted');
    if (this.createdById !== userId) {
      throw new OpportunityError(OpportunityErrorCode.NotCreator, 'Only the creator may delete an opportunity.');
    }
  }

  /** First assignment or reassignment; a finished opportunity keeps its assignee. */
  assign(assignee: UserRef, by: UserRef, at = new Date()): UserRef | null {
    if (this.status === 'succeeded' || this.status === 'failed') {
      throw new OpportunityError(OpportunityErrorCode.Finished, `The opportunity is already ${this.status}.`);
    }
    const previous = this.assignee;
    this.assigneeId = assignee.id;
    this.assigneeName = assignee.name;
    this.assignedAt = at;
    this.assignedById = by.id;
    this.assignedByName = by.name;
    this.status = 'assigned';
    this.updatedAt = at;
    return previous;
  }

  /** 开发成功 / 终止开发: by the assignee, only while assigned. */
  decide(outcome: 'succeeded' | 'failed', byUserId: string, at = new Date()): void {
    if (this.status !== 'assigned') {
      throw new OpportunityError(
        this.status === 'unassigned' ? OpportunityErrorCode.NotAssigned : OpportunityErrorCode.Finished,
        `Only an assigned opportunity can be marked ${outcome}; this one is ${this.status}.`,
      );
    }
    if (this.assigneeId !== byUserId) {
      throw new OpportunityError(OpportunityErrorCode.NotAssignee, 'Only the assignee may decide the outcome.');
    }
    this.status = outcome;
    this.decidedAt = at;
    this.updatedAt = at;
  }

  private requireUnassigned(action: string): void {
    if (this.status !== 'unassigned') {
      throw new OpportunityError(
        OpportunityErrorCode.NotUnassigned,
        `Only an unassigned opportunity can be ${action}; this one is ${this.status}.`,
      );
    }
  }
}
