import type { EntityManager } from '@mikro-orm/core';
import { type EventData, TicketArchivedV1, TicketAssignedV1, TicketCreatedV1, TicketHandledV1, TicketReopenedV1 } from '@crm/contracts';
import type { EventOutbox } from '@crm/messaging';
import type { Ticket } from './ticket.entity';
import type { TicketStep } from './ticket-step';

/**
 * The ticket as its events carry it: the whole snapshot after the change, every round included.
 * Taken after the ticket's row was written, so `version` is the one this change made.
 */
export function ticketSnapshot(ticket: Ticket): EventData<typeof TicketCreatedV1> {
  return { ticketId: ticket.id, ...ticket.view(), rounds: ticket.rounds.getItems().map((round) => round.view()) };
}

/** Records the event of this transition in `em`'s unit of work (the outbox), subject = the ticket. */
export function recordTicketEvent(outbox: EventOutbox, em: EntityManager, ticket: Ticket, step: TicketStep): void {
  const data = ticketSnapshot(ticket);
  const options = { subject: ticket.id };
  switch (step.action) {
    case 'created':
      outbox.record(em, TicketCreatedV1, data, options);
      return;
    case 'assigned':
      outbox.record(em, TicketAssignedV1, { ...data, assignedBy: step.by, previousAssignee: step.previousAssignee }, options);
      return;
    case 'handled':
      outbox.record(em, TicketHandledV1, data, options);
      return;
    case 'archived':
      outbox.record(em, TicketArchivedV1, data, options);
      return;
    case 'reopened':
      outbox.record(em, TicketReopenedV1, data, options);
      return;
  }
}
