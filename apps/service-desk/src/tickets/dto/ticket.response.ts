import { ApiProperty } from '@nestjs/swagger';
import { TICKET_STATUSES, type TicketStatus } from '@crm/contracts';
import { PageMetaDto, UserRefDto } from '@crm/service-kit';
import type { Ticket } from '../ticket.entity';
import type { TicketTransition } from '../ticket-history.entity';
import { TICKET_ACTIONS, type TicketAction } from '../ticket-step';

const nullable = (description: string, type: 'string' | 'integer' | 'date-time' = 'string') =>
  ApiProperty({ type: type === 'integer' ? 'integer' : String, ...(type === 'date-time' ? { format: 'date-time' } : {}), nullable: true, description });
const nullableUser = (description: string) => ApiProperty({ type: UserRefDto, nullable: true, description });

/** A ticket as lists show it: the current round's handling and the last feedback, without rounds and history. */
export class TicketResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'the number of transitions so far; each event carries the version it made' }) version!: number;
  @ApiProperty({ description: '服务类型 (the dictionary item’s text)' }) type!: string;
  @ApiProperty({ description: '概要' }) summary!: string;
  @ApiProperty() customerId!: string;
  @ApiProperty({ description: 'as when the ticket was created' }) customerNo!: string;
  @ApiProperty({ description: 'as when the ticket was created' }) customerName!: string;
  @ApiProperty({ description: '服务请求' }) request!: string;
  @ApiProperty({ enum: TICKET_STATUSES, description: 'created → assigned → handled → archived, or back to assigned after feedback below 3' })
  status!: TicketStatus;
  @ApiProperty({ type: UserRefDto }) createdBy!: UserRefDto;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @nullableUser('the assignee, once assigned') assignee!: UserRefDto | null;
  @nullable('when last assigned', 'date-time') assignedAt!: string | null;
  @nullable('服务处理 of the current (last) round') handling!: string | null;
  @nullableUser('who handled the current round') handledBy!: UserRefDto | null;
  @nullable('when the current round was handled', 'date-time') handledAt!: string | null;
  @nullable('处理结果 of the last feedback') result!: string | null;
  @nullable('满意度 (1–5) of the last feedback', 'integer') satisfaction!: number | null;
  @nullable('when archived', 'date-time') archivedAt!: string | null;

  static from(ticket: Ticket): TicketResponse {
    return {
      id: ticket.id,
      ...ticket.view(),
      updatedAt: ticket.updatedAt.toISOString(),
      handling: ticket.handling,
      handledBy: ticket.handledBy,
      handledAt: ticket.handledAt?.toISOString() ?? null,
      result: ticket.result,
    };
  }
}

export class HandlingRoundResponse {
  @ApiProperty({ description: '1 for the first handling; feedback below 3 leads to the next' }) round!: number;
  @ApiProperty({ description: '服务处理' }) handling!: string;
  @ApiProperty({ type: UserRefDto }) handledBy!: UserRefDto;
  @ApiProperty({ format: 'date-time' }) handledAt!: string;
  @nullable('处理结果 of the feedback that closed this round') result!: string | null;
  @nullable('满意度 of that feedback', 'integer') satisfaction!: number | null;
  @nullableUser('who gave it') feedbackBy!: UserRefDto | null;
  @nullable('when', 'date-time') feedbackAt!: string | null;
}

export class TicketTransitionResponse {
  @ApiProperty({ description: 'the ticket’s version this transition made (1 = created)' }) seq!: number;
  @ApiProperty({ enum: TICKET_ACTIONS }) action!: TicketAction;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ type: UserRefDto, description: 'who made the transition' }) by!: UserRefDto;
  @nullableUser('assigned: to whom') assignee!: UserRefDto | null;
  @nullable('handled, archived, reopened: the round', 'integer') round!: number | null;
  @nullable('archived, reopened: the feedback’s 处理结果') result!: string | null;
  @nullable('archived, reopened: the feedback’s 满意度', 'integer') satisfaction!: number | null;

  static from(transition: TicketTransition): TicketTransitionResponse {
    const { seq, action, by, assignee, round, result, satisfaction } = transition;
    return { seq, action, at: transition.at.toISOString(), by, assignee, round, result, satisfaction };
  }
}

/** One ticket with every handling round and its whole history, oldest first. */
export class TicketDetailResponse extends TicketResponse {
  @ApiProperty({ type: [HandlingRoundResponse], description: 'every round of handling, oldest first; the last is the current' }) rounds!: HandlingRoundResponse[];
  @ApiProperty({ type: [TicketTransitionResponse], description: 'every transition with its time and actor, oldest first' }) history!: TicketTransitionResponse[];

  static override from(ticket: Ticket): TicketDetailResponse {
    return {
      ...TicketResponse.from(ticket),
      rounds: ticket.rounds.getItems().map((round) => round.view()),
      history: ticket.history.getItems().map(TicketTransitionResponse.from),
    };
  }
}

export class TicketPageResponse extends PageMetaDto {
  @ApiProperty({ type: [TicketResponse] }) items!: TicketResponse[];
}
