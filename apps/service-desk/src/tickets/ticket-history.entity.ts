import { randomUUID } from 'node:crypto';
import { Entity, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import type { UserRef } from '@crm/contracts';
import { Ticket } from './ticket.entity';
import { type Feedback, type TicketAction, type TicketStep, userRef } from './ticket-step';

/** One round of handling (服务处理) and the feedback that closed it; kept, never overwritten. */
@Entity({ tableName: 'ticket_round' })
@Unique({ name: 'ticket_round_unique', properties: ['ticket', 'roundNo'] })
export class HandlingRound {
  @PrimaryKey({ type: 'string', length: 36 })
  id: string = randomUUID();

  // No index of its own (SQLite would get one): the unique (ticket_id, round_no) serves it.
  @ManyToOne(() => Ticket, { index: false })
  ticket: Ticket;

  @Property({ type: 'integer' })
  roundNo: number;

  @Property({ type: 'string', length: 3000 })
  handling: string;

  @Property({ type: 'string', length: 64 })
  handledById: string;

  @Property({ type: 'string', length: 100 })
  handledByName: string;

  @Property({ type: Date })
  handledAt: Date;

  @Property({ type: 'string', length: 500, nullable: true })
  result: string | null = null;

  @Property({ type: 'integer', nullable: true })
  satisfaction: number | null = null;

  @Property({ type: 'string', length: 64, nullable: true })
  feedbackById: string | null = null;

  @Property({ type: 'string', length: 100, nullable: true })
  feedbackByName: string | null = null;

  @Property({ type: Date, nullable: true })
  feedbackAt: Date | null = null;

  constructor(ticket: Ticket, roundNo: number, handling: string, by: UserRef, at: Date) {
    this.ticket = ticket;
    this.roundNo = roundNo;
    this.handling = handling;
    this.handledById = by.id;
    this.handledByName = by.name;
    this.handledAt = at;
  }

  giveFeedback(feedback: Feedback, by: UserRef, at: Date): void {
    this.result = feedback.result;
    this.satisfaction = feedback.satisfaction;
    this.feedbackById = by.id;
    this.feedbackByName = by.name;
    this.feedbackAt = at;
  }

  /** The round as events (`handlingRoundSchema`) and answers show it. */
  view() {
    return {
      round: this.roundNo,
      handling: this.handling,
      handledBy: { id: this.handledById, name: this.handledByName },
      handledAt: this.handledAt.toISOString(),
      result: this.result,
      satisfaction: this.satisfaction,
      feedbackBy: userRef(this.feedbackById, this.feedbackByName),
      feedbackAt: this.feedbackAt?.toISOString() ?? null,
    };
  }
}

/** One transition, kept with its time and actor: the ticket's whole history, in `seq` order. */
@Entity({ tableName: 'ticket_transition' })
@Unique({ name: 'ticket_transition_unique', properties: ['ticket', 'seq'] })
export class TicketTransition {
  @PrimaryKey({ type: 'string', length: 36 })
  id: string = randomUUID();

  // No index of its own: the unique (ticket_id, seq) serves it.
  @ManyToOne(() => Ticket, { index: false })
  ticket: Ticket;

  /** The ticket's version this transition made (1 = created); its event carries the same version. */
  @Property({ type: 'integer' })
  seq: number;

  @Property({ type: 'string', length: 10 })
  action: TicketAction;

  @Property({ type: Date })
  at: Date;

  @Property({ type: 'string', length: 64 })
  byId: string;

  @Property({ type: 'string', length: 100 })
  byName: string;

  /** assigned: to whom. */
  @Property({ type: 'string', length: 64, nullable: true })
  assigneeId: string | null = null;

  @Property({ type: 'string', length: 100, nullable: true })
  assigneeName: string | null = null;

  /** handled, archived, reopened: the round it handled or closed. */
  @Property({ type: 'integer', nullable: true })
  round: number | null;

  /** archived, reopened: the feedback. */
  @Property({ type: 'string', length: 500, nullable: true })
  result: string | null = null;

  @Property({ type: 'integer', nullable: true })
  satisfaction: number | null = null;

  constructor(ticket: Ticket, seq: number, step: TicketStep, round: number | null) {
    this.ticket = ticket;
    this.seq = seq;
    this.action = step.action;
    this.at = step.at;
    this.byId = step.by.id;
    this.byName = step.by.name;
    this.round = round;
    if (step.action === 'assigned') {
      this.assigneeId = step.assignee.id;
      this.assigneeName = step.assignee.name;
    }
    if (step.action === 'archived' || step.action === 'reopened') {
      this.result = step.result;
      this.satisfaction = step.satisfaction;
    }
  }

  get by(): UserRef {
    return { id: this.byId, name: this.byName };
  }

  get assignee(): UserRef | null {
    return userRef(this.assigneeId, this.assigneeName);
  }
}
