import type { DatabaseSettings, ServiceOrmInput } from '@crm/persistence';
import { MESSAGING_ENTITIES } from '@crm/messaging';
import { Opportunity } from '../opportunities/opportunity.entity';
import { PlanItem } from '../plans/plan-item.entity';
import { MIGRATIONS } from './migrations';

export const SERVICE_NAME = 'marketing';
export const ENTITIES = [Opportunity, PlanItem, ...MESSAGING_ENTITIES];

export function ormInput(db: DatabaseSettings): ServiceOrmInput {
  return { service: SERVICE_NAME, entities: ENTITIES, db, migrations: MIGRATIONS };
}
