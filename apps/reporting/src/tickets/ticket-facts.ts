import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/core';
import type { ticketSnapshotSchema } from '@crm/contracts';
import type { z } from 'zod';
import { CompanyCalendar } from '@crm/config';
import { CounterMoves } from '../read-models/counters';
import { assertFits, LENGTH } from '../read-models/lengths';
import { replaceIfNewer } from '../read-models/versioned-fact';
import { ServiceCount } from '../service-analysis/service-count.entity';
import { TicketFact } from './ticket-fact.entity';

type TicketSnapshot = z.infer<typeof ticketSnapshotSchema>;
type Counted = Pick<TicketFact, 'type' | 'createdYear'>;

/**
 * service.ticket.*.v1 → the ticket's fact and the service analysis: every ticket counts once,
 * whatever its status, under its type and the year of its creation on the company's calendar; a
 * newer version moves it only if it changes the type.
 */
@Injectable()
export class TicketFacts {
  constructor(private readonly calendar: CompanyCalendar) {}

  async apply(em: EntityManager, ticket: TicketSnapshot): Promise<void> {
    assertFits(`ticket ${ticket.ticketId.slice(0, 60)}`, { ticketId: [ticket.ticketId, LENGTH.id], type: [ticket.type, LENGTH.item] });
    const fact = { type: ticket.type, createdYear: this.calendar.yearOf(ticket.createdAt), status: ticket.status };
    const change = await replaceIfNewer(em, TicketFact, { ticketId: ticket.ticketId }, ticket.version, fact);
    if (change.outcome === 'stale') return;
    await serviceMoves(change.previous, fact).apply(em);
  }
}

export function serviceMoves(before: Counted | null, after: Counted): CounterMoves<ServiceCount> {
  const moves = new CounterMoves({ entity: ServiceCount, count: 'tickets' });
  if (before) moves.add({ year: before.createdYear, type: before.type }, { tickets: 1 }, -1);
  return moves.add({ year: after.createdYear, type: after.type }, { tickets: 1 });
}
