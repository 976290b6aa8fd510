import { randomUUID } from 'node:crypto';
import type { FilterQuery } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import type { OpportunityStatus, Role, UserRef } from '@crm/contracts';
import { TextIndex } from '@crm/persistence';
import { PlanError, PlanErrorCode } from '../plans/plan.errors';
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

/** Who is acting: the signed-in user's id and realm roles. */
export interface Actor {
  id: string;
  roles: readonly Role[];
}

const isSupervisor = (actor: Actor) => actor.roles.includes('supervisor');

export const EDITABLE_FIELDS = ['source', 'customerName', 'successRate', 'summary', 'contact', 'contactPhone', 'description'] as const;

/**
 * A sales opportunity (销售机会, requirements §1.1) and its state machine:
 * unassigned → assigned (reassignable) → succeeded | failed. The rules live here so that every
 * path through the service obeys them.
 */
@Entity({ tableName: 'opportunity' })
// The list's order, and each part of a manager's view (pool, created, assigned) in that order;
// the trailing columns answer the view's counts from the index alone.
@Index({ name: 'opportunity_created_idx', properties: ['createdAt', 'id'] })
@Index({ name: 'opportunity_status_created_idx', properties: ['status', 'createdAt'] })
@Index({ name: 'opportunity_creator_created_idx', properties: ['createdById', 'createdAt', 'status'] })
@Index({ name: 'opportunity_assignee_idx', properties: ['assigneeId', 'createdAt', 'status', 'createdById'] })
// The list's "contains" filters (FTS5 on SQLite, pg_trgm on PostgreSQL; made by the text_search migration).
@TextIndex({ properties: ['customerName', 'summary', 'contact'] })
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

  /**
   * Who sees what: supervisors every opportunity; a manager the unassigned pool, the ones they
   * created and the ones assigned to them. Anything else answers 404, as if it did not exist.
   */
  static visibleTo(viewer: Actor): FilterQuery<Opportunity> {
    if (isSupervisor(viewer)) return {};
    return { $or: Opportunity.visibleBranches(viewer) };
  }

  /** A manager's view as its three parts: the unassigned pool, what they created, what is theirs. */
  static visibleBranches(viewer: Actor): [FilterQuery<Opportunity>, FilterQuery<Opportunity>, FilterQuery<Opportunity>] {
    return [{ status: 'unassigned' }, { createdById: viewer.id }, { assigneeId: viewer.id }];
  }

  /**
   * The rule of {@link assertPlannableBy} as a database condition, so that a write can require
   * that it still holds when it happens (not only when the opportunity was read).
   */
  static plannableBy(actor: Actor): FilterQuery<Opportunity> {
    return isSupervisor(actor) ? { status: 'assigned' } : { status: 'assigned', assigneeId: actor.id };
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

  /**
   * 客户开发计划 (§1.2): a plan is made only while the opportunity is assigned, by its assignee or
   * a supervisor; the plan of a decided opportunity is read only.
   */
  assertPlannableBy(actor: Actor): void {
    if (this.status === 'unassigned') {
      throw new PlanError(PlanErrorCode.OpportunityNotAssigned, 'A development plan is made only for an assigned opportunity.');
    }
    if (this.status !== 'assigned') {
      throw new PlanError(PlanErrorCode.OpportunityFinished, `The opportunity is ${this.status}; its development plan is read only.`);
    }
    if (this.assigneeId !== actor.id && !isSupervisor(actor)) {
      throw new PlanError(PlanErrorCode.NotAssignee, 'Only the assignee or a supervisor may change the development plan.');
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
