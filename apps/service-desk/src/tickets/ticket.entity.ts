import { randomUUID } from 'node:crypto';
import { Collection } from '@mikro-orm/core';
import { Entity, Index, OneToMany, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import type { TicketStatus, UserRef } from '@crm/contracts';
import { TextIndex } from '@crm/persistence';
import { TicketError, TicketErrorCode } from './ticket.errors';
import { HandlingRound, TicketTransition } from './ticket-history.entity';
import { ARCHIVING_SATISFACTION, type Feedback, type TicketStep, userRef } from './ticket-step';

/** What the manager enters (§3): the type is a 服务类型 dictionary item's text. */
export interface TicketRequest {
  type: string;
  summary: string;
  request: string;
}

/** The customer as the desk's copy had it when the ticket was created. */
export interface TicketCustomer {
  id: string;
  customerNo: string;
  name: string;
}

/**
 * A service ticket (服务, requirements §3) and its state machine: created → assigned (a supervisor;
 * reassignable while assigned) → handled (the assignee, one round each time) → feedback: archived
 * when satisfaction ≥ 3, else assigned again to the same assignee for another round.
 *
 * A transition changes the ticket's own row (its version + 1, an optimistic lock), then `record`
 * appends what it leaves behind: a row of history, and a handling round or that round's feedback.
 * The row carries the current round (the last one) and the last feedback, so lists need no join.
 */
@Entity({ tableName: 'ticket' })
// The list's order, the archive (status) in that order, and the exact filters.
@Index({ name: 'ticket_created_idx', properties: ['createdAt', 'id'] })
@Index({ name: 'ticket_status_created_idx', properties: ['status', 'createdAt', 'id'] })
@Index({ name: 'ticket_customer_idx', properties: ['customerId', 'createdAt'] })
@Index({ name: 'ticket_assignee_idx', properties: ['assigneeId', 'createdAt'] })
// The "contains" filters (FTS5 on SQLite, pg_trgm on PostgreSQL; made by the text_search migration).
@TextIndex({ properties: ['customerName', 'summary'] })
export class Ticket {
  @PrimaryKey({ type: 'string', length: 36 })
  id: string = randomUUID();

  /** The 服务类型 item's text when created (the dictionary may change later; the ticket keeps it). */
  @Property({ type: 'string', length: 200 })
  type: string;

  @Property({ type: 'string', length: 200 })
  summary: string;

  @Property({ type: 'string', length: 64 })
  customerId: string;

  @Property({ type: 'string', length: 20 })
  customerNo: string;

  @Property({ type: 'string', length: 100 })
  customerName: string;

  @Property({ type: 'string', length: 3000 })
  request: string;

  @Property({ type: 'string', length: 10 })
  status: TicketStatus = 'created';

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

  /** The current (last) round's handling. */
  @Property({ type: 'string', length: 3000, nullable: true })
  handling: string | null = null;

  @Property({ type: 'string', length: 64, nullable: true })
  handledById: string | null = null;

  @Property({ type: 'string', length: 100, nullable: true })
  handledByName: string | null = null;

  @Property({ type: Date, nullable: true })
  handledAt: Date | null = null;

  /** The last feedback given (the archiving one once archived). */
  @Property({ type: 'string', length: 500, nullable: true })
  result: string | null = null;

  @Property({ type: 'integer', nullable: true })
  satisfaction: number | null = null;

  @Property({ type: Date, nullable: true })
  archivedAt: Date | null = null;

  /** Optimistic lock, and the number of transitions so far: the history's `seq` and the events' `version`. */
  @Property({ type: 'integer', version: true })
  version!: number;

  @OneToMany(() => HandlingRound, (round) => round.ticket, { orderBy: { roundNo: 'asc' } })
  rounds = new Collection<HandlingRound>(this);

  @OneToMany(() => TicketTransition, (transition) => transition.ticket, { orderBy: { seq: 'asc' } })
  history = new Collection<TicketTransition>(this);

  constructor(details: TicketRequest, customer: TicketCustomer, createdBy: UserRef, at: Date) {
    this.type = details.type;
    this.summary = details.summary;
    this.request = details.request;
    this.customerId = customer.id;
    this.customerNo = customer.customerNo;
    this.customerName = customer.name;
    this.createdById = createdBy.id;
    this.createdByName = createdBy.name;
    this.createdAt = this.updatedAt = at;
  }

  get createdBy(): UserRef {
    return { id: this.createdById, name: this.createdByName };
  }

  get assignee(): UserRef | null {
    return userRef(this.assigneeId, this.assigneeName);
  }

  get handledBy(): UserRef | null {
    return userRef(this.handledById, this.handledByName);
  }

  /** What events and answers show alike (an event then adds the rounds; an answer the current round and the last result). */
  view() {
    return {
      version: this.version,
      type: this.type,
      summary: this.summary,
      customerId: this.customerId,
      customerNo: this.customerNo,
      customerName: this.customerName,
      request: this.request,
      status: this.status,
      createdBy: this.createdBy,
      createdAt: this.createdAt.toISOString(),
      assignee: this.assignee,
      assignedAt: this.assignedAt?.toISOString() ?? null,
      satisfaction: this.satisfaction,
      archivedAt: this.archivedAt?.toISOString() ?? null,
    };
  }

  /** 分配: a new ticket, or again while assigned (reassignment); a handled or archived one keeps its assignee. */
  assign(assignee: UserRef, by: UserRef, at: Date): TicketStep {
    if (this.status !== 'created' && this.status !== 'assigned') {
      throw new TicketError(TicketErrorCode.NotAssignable, `Only a new or assigned ticket can be assigned; this one is ${this.status}.`);
    }
    const previousAssignee = this.assignee;
    this.assigneeId = assignee.id;
    this.assigneeName = assignee.name;
    this.assignedAt = this.updatedAt = at;
    this.status = 'assigned';
    return { action: 'assigned', at, by, assignee, previousAssignee };
  }

  /** 服务处理: the assignee records a round of handling; handler and time are the system's. */
  handle(handling: string, by: UserRef, at: Date): TicketStep {
    if (this.status !== 'assigned') {
      const [code, why] = HANDLE_REFUSALS[this.status];
      throw new TicketError(code, `Only an assigned ticket can be handled; this one ${why}.`);
    }
    if (this.assigneeId !== by.id) throw new TicketError(TicketErrorCode.NotAssignee, 'Only the ticket’s assignee records its handling.');
    this.handling = handling;
    this.handledById = by.id;
    this.handledByName = by.name;
    this.handledAt = this.updatedAt = at;
    this.status = 'handled';
    return { action: 'handled', at, by, handling };
  }

  /**
   * 服务反馈 on a handled ticket, by its assignee, its creator or the customer's manager (as the
   * desk's copy has them now): archived at satisfaction ≥ 3, else back to the same assignee.
   */
  giveFeedback(feedback: Feedback, by: UserRef, customerManagerId: string | null, at: Date): TicketStep {
    if (this.status !== 'handled') {
      throw new TicketError(TicketErrorCode.NotHandled, `Feedback is given on a handled ticket; this one is ${this.status}.`);
    }
    if (![this.assigneeId, this.createdById, customerManagerId].includes(by.id)) {
      throw new TicketError(TicketErrorCode.NotFeedbackGiver, 'Feedback comes from the ticket’s assignee, its creator or the customer’s manager.');
    }
    this.result = feedback.result;
    this.satisfaction = feedback.satisfaction;
    this.updatedAt = at;
    const archives = feedback.satisfaction >= ARCHIVING_SATISFACTION;
    this.status = archives ? 'archived' : 'assigned';
    if (archives) this.archivedAt = at;
    return { action: archives ? 'archived' : 'reopened', at, by, ...feedback };
  }

  /**
   * What a transition leaves behind, once the ticket's row carries its new version: the history
   * row of that version, and for handling a new round, for feedback the feedback on the last round.
   */
  record(step: TicketStep): TicketTransition {
    let round: number | null = null;
    if (step.action === 'handled') {
      round = this.rounds.length + 1;
      this.rounds.add(new HandlingRound(this, round, step.handling, step.by, step.at));
    } else if (step.action === 'archived' || step.action === 'reopened') {
      const last = this.rounds.getItems().at(-1)!;
      last.giveFeedback(step, step.by, step.at);
      round = last.roundNo;
    }
    const transition = new TicketTransition(this, this.version, step, round);
    this.history.add(transition);
    return transition;
  }
}

const HANDLE_REFUSALS: Record<Exclude<TicketStatus, 'assigned'>, [TicketErrorCode, string]> = {
  created: [TicketErrorCode.NotAssigned, 'is not assigned yet'],
  handled: [TicketErrorCode.AlreadyHandled, 'is handled and awaits feedback'],
  archived: [TicketErrorCode.Archived, 'is archived'],
};
