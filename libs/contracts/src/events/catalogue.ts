import { EventDefinition } from './cloud-event';
import { MARKETING_EVENTS } from './marketing.events';
import { CUSTOMER_EVENTS } from './customer.events';
import { BASEDATA_EVENTS } from './basedata.events';
import { SALES_EVENTS } from './sales.events';
import { SERVICE_EVENTS } from './service.events';

/** Every event type the CRM publishes, by type. The AsyncAPI document is generated from this. */
export const EVENT_CATALOGUE: ReadonlyMap<string, EventDefinition> = new Map(
  [...MARKETING_EVENTS, ...CUSTOMER_EVENTS, ...BASEDATA_EVENTS, ...SALES_EVENTS, ...SERVICE_EVENTS].map((definition) => [definition.type, definition as EventDefinition]),
);
