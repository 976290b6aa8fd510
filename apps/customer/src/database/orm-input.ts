import type { DatabaseSettings, ServiceOrmInput } from '@crm/persistence';
import { DATA_EXCHANGE_ENTITIES } from '@crm/data-exchange';
import { MESSAGING_ENTITIES } from '@crm/messaging';
import { Customer } from '../customers/customer.entity';
import { CustomerNumberSequence } from '../customers/customer-numbers';
import { CustomerOrigin } from '../customers/customer-origin.entity';
import { Contact } from '../contacts/contact.entity';
import { Activity } from '../activities/activity.entity';
import { DictionaryItem } from '../dictionary/dictionary-item.entity';
import { DictionaryTombstone } from '../dictionary/dictionary-tombstone.entity';
import { ChurnMeasure, ChurnRecord } from '../churn/churn-record.entity';
import { CustomerOrderActivity } from '../orders/customer-order-activity.entity';
import { MIGRATIONS } from './migrations';

export const SERVICE_NAME = 'customer';
export const ENTITIES = [Customer, CustomerNumberSequence, CustomerOrigin, Contact, Activity, DictionaryItem, DictionaryTombstone, CustomerOrderActivity, ChurnRecord, ChurnMeasure, ...DATA_EXCHANGE_ENTITIES, ...MESSAGING_ENTITIES];

export function ormInput(db: DatabaseSettings): ServiceOrmInput {
  return { service: SERVICE_NAME, entities: ENTITIES, db, migrations: MIGRATIONS };
}
