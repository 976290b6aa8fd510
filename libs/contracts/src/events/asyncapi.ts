import { z } from 'zod';
import { EventDefinition } from './cloud-event';
import { EVENT_CATALOGUE } from './catalogue';

/**
 * The AsyncAPI 3 document of every CRM event, generated from the same zod schemas the producers
 * validate with, so the published description cannot drift from the code (a test compares it
 * with the committed docs/events/asyncapi.json).
 */
export function buildAsyncApiDocument(catalogue: ReadonlyMap<string, EventDefinition> = EVENT_CATALOGUE) {
  const definitions = [...catalogue.values()].sort((a, b) => a.type.localeCompare(b.type));
  const key = (type: string) => type.replace(/\./g, '_');
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  for (const definition of definitions) {
    const id = key(definition.type);
    messages[id] = {
      name: definition.type,
      title: definition.type,
      summary: definition.description,
      contentType: 'application/cloudevents+json',
      headers: {
        type: 'object',
        properties: { traceparent: { type: 'string', description: 'W3C trace context of the change' } },
      },
      payload: {
        type: 'object',
        required: ['specversion', 'id', 'source', 'type', 'time', 'datacontenttype', 'data'],
        properties: {
          specversion: { const: '1.0' },
          id: { type: 'string', description: 'unique per event; consumers dedupe by it' },
          source: { const: definition.source },
          type: { const: definition.type },
          time: { type: 'string', format: 'date-time' },
          datacontenttype: { const: 'application/json' },
          subject: { type: 'string' },
          data: z.toJSONSchema(definition.data, { target: 'draft-7' }),
        },
      },
    };
    channels[id] = {
      address: definition.type,
      description: `Routing key ${definition.type} on the topic exchange crm.events`,
      messages: { [id]: { $ref: `#/components/messages/${id}` } },
      bindings: { amqp: { is: 'routingKey', exchange: { name: 'crm.events', type: 'topic', durable: true, autoDelete: false } } },
    };
    operations[`publish_${id}`] = {
      action: 'send',
      channel: { $ref: `#/channels/${id}` },
      messages: [{ $ref: `#/channels/${id}/messages/${id}` }],
      bindings: { amqp: { deliveryMode: 2, mandatory: true } },
    };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'CRM events',
      version: '1',
      description:
        'Events the CRM publishes on the RabbitMQ topic exchange crm.events as persistent CloudEvents 1.0 (structured mode). ' +
        'Bind your own durable queue with a pattern such as `marketing.#`. Delivery is at least once: dedupe by `id`. ' +
        'Order is not guaranteed, not even for one aggregate: a publish the broker refused is retried after later ones went out, ' +
        'and a relay that lost its lease, several replicas and concurrent consumers can reorder events. Every event carries its ' +
        "aggregate's id and `version` in `data`: keep the highest version you applied and ignore an event whose version is not newer.",
    },
    defaultContentType: 'application/cloudevents+json',
    channels,
    operations,
    components: { messages },
  };
}
