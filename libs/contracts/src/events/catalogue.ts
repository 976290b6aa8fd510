import { EventDefinition } from './cloud-event';
import { MARKETING_EVENTS } from './marketing.events';

/** Every event type the CRM publishes, by type. The AsyncAPI document is generated from this. */
export const EVENT_CATALOGUE: ReadonlyMap<string, EventDefinition> = new Map(
  [...MARKETING_EVENTS].map((definition) => [definition.type, definition as EventDefinition]),
);
