import type { DatabaseSettings, ServiceOrmInput } from '@crm/persistence';
import { MESSAGING_ENTITIES } from '@crm/messaging';
import { CUSTOMER_COPY_ENTITIES } from '@crm/reference-data';
import { OrderSnapshot } from '../order-sync/order-snapshot.entity';
import { SyncCursor } from '../order-sync/sync-cursor.entity';
import { MIGRATIONS } from './migrations';

/** The bridge's own schema: what it has seen of the sales system's orders, its customer copy, its outbox and inbox. */
export const SERVICE_NAME = 'sales-bridge';
export const ENTITIES = [OrderSnapshot, SyncCursor, ...CUSTOMER_COPY_ENTITIES, ...MESSAGING_ENTITIES];

export function ormInput(db: DatabaseSettings): ServiceOrmInput {
  return { service: SERVICE_NAME, entities: ENTITIES, db, migrations: MIGRATIONS };
}
