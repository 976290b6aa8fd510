import type { DatabaseSettings, ServiceOrmInput } from '@crm/persistence';
import { MESSAGING_ENTITIES } from '@crm/messaging';
import { CUSTOMER_COPY_ENTITIES, DICTIONARY_COPY_ENTITIES } from '@crm/reference-data';
import { Ticket } from '../tickets/ticket.entity';
import { HandlingRound, TicketTransition } from '../tickets/ticket-history.entity';
import { MIGRATIONS } from './migrations';

/** The desk's own schema: tickets with their rounds and history, its customer and dictionary copies, its outbox and inbox. */
export const SERVICE_NAME = 'service-desk';
export const ENTITIES = [Ticket, HandlingRound, TicketTransition, ...CUSTOMER_COPY_ENTITIES, ...DICTIONARY_COPY_ENTITIES, ...MESSAGING_ENTITIES];

export function ormInput(db: DatabaseSettings): ServiceOrmInput {
  return { service: SERVICE_NAME, entities: ENTITIES, db, migrations: MIGRATIONS };
}
