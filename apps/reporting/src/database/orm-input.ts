import type { DatabaseSettings, ServiceOrmInput } from '@crm/persistence';
import { MESSAGING_ENTITIES } from '@crm/messaging';
import { ChurnFact } from '../churn/churn-fact.entity';
import { CompositionCount } from '../composition/composition-count.entity';
import { CustomerContribution } from '../contribution/customer-contribution.entity';
import { CustomerFact } from '../customers/customer-fact.entity';
import { OrderFact } from '../orders/order-fact.entity';
import { ServiceCount } from '../service-analysis/service-count.entity';
import { TicketFact } from '../tickets/ticket-fact.entity';
import { MIGRATIONS } from './migrations';

/** Reporting's schema: the facts it kept of other services' events, the reports' aggregates, its inbox. */
export const SERVICE_NAME = 'reporting';
export const ENTITIES = [OrderFact, CustomerFact, TicketFact, ChurnFact, CustomerContribution, CompositionCount, ServiceCount, ...MESSAGING_ENTITIES];

export function ormInput(db: DatabaseSettings): ServiceOrmInput {
  return { service: SERVICE_NAME, entities: ENTITIES, db, migrations: MIGRATIONS };
}
