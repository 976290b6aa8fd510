import { z } from 'zod';
import { defineEvent } from './cloud-event';
import { aggregateVersionSchema, instantSchema, userRefSchema } from './common';

const SOURCE = 'crm/service-desk';

/**
 * Service tickets (requirements §3): created → assigned (a supervisor) → handled (the assignee)
 * → feedback: archived when satisfaction ≥ 3, else back to assigned for another round.
 */
export const TICKET_STATUSES = ['created', 'assigned', 'handled', 'archived'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** One round of handling (服务处理): kept, never overwritten, when feedback reopens the ticket. */
export const handlingRoundSchema = z.object({
  round: z.number().int().min(1),
  handling: z.string().min(1),
  handledBy: userRefSchema,
  handledAt: instantSchema,
  /** The feedback that closed this round, once given. */
  result: z.string().nullable(),
  satisfaction: z.number().int().min(1).max(5).nullable(),
  feedbackBy: userRefSchema.nullable(),
  feedbackAt: instantSchema.nullable(),
});

/** The ticket as other systems see it in events: the whole snapshot after the change. */
export const ticketSnapshotSchema = z.object({
  ticketId: z.string().min(1),
  /** The ticket's version after this change: a copy ignores an event older than what it holds. */
  version: aggregateVersionSchema,
  /** The dictionary item's text of category 服务类型 (咨询, 建议, 投诉, …). */
  type: z.string().min(1),
  summary: z.string().min(1),
  customerId: z.string().min(1),
  customerNo: z.string().min(1),
  customerName: z.string().min(1),
  request: z.string(),
  status: z.enum(TICKET_STATUSES),
  createdBy: userRefSchema,
  createdAt: instantSchema,
  assignee: userRefSchema.nullable(),
  assignedAt: instantSchema.nullable(),
  /** Every handling round so far, oldest first; the last one is the current. */
  rounds: z.array(handlingRoundSchema),
  /** The last feedback's satisfaction (1–5) once given, the archived one when archived. */
  satisfaction: z.number().int().min(1).max(5).nullable(),
  archivedAt: instantSchema.nullable(),
});

export const TicketCreatedV1 = defineEvent(
  'service.ticket.created.v1',
  SOURCE,
  'An account manager recorded a customer’s service request (consultation, suggestion, complaint, …); status created.',
  ticketSnapshotSchema,
);

export const TicketAssignedV1 = defineEvent(
  'service.ticket.assigned.v1',
  SOURCE,
  'A supervisor assigned (or reassigned) the ticket to an active user; status assigned.',
  ticketSnapshotSchema.extend({ assignedBy: userRefSchema, previousAssignee: userRefSchema.nullable() }),
);

export const TicketHandledV1 = defineEvent(
  'service.ticket.handled.v1',
  SOURCE,
  'The assignee recorded a round of handling; status handled, awaiting the customer’s feedback.',
  ticketSnapshotSchema,
);

export const TicketArchivedV1 = defineEvent(
  'service.ticket.archived.v1',
  SOURCE,
  'Feedback with satisfaction ≥ 3 archived the ticket (服务归档).',
  ticketSnapshotSchema,
);

export const TicketReopenedV1 = defineEvent(
  'service.ticket.reopened.v1',
  SOURCE,
  'Feedback with satisfaction < 3 sent the ticket back to its assignee for another round; status assigned.',
  ticketSnapshotSchema,
);

export const SERVICE_EVENTS = [TicketCreatedV1, TicketAssignedV1, TicketHandledV1, TicketArchivedV1, TicketReopenedV1] as const;
