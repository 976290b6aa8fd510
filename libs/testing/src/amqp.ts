import * as amqp from 'amqplib';
import { randomUUID } from 'node:crypto';

/** The broker tests use: a testcontainer or the local service, chosen by the jest global setup. */
export function testAmqpUrl(): string {
  const url = process.env.CRM_AMQP_URL;
  if (!url) throw new Error('CRM_AMQP_URL is not set: run tests through jest with the shared preset');
  return url;
}

/** Names unique to this test run, so parallel or repeated runs never share queues on one broker. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.env.CRM_TEST_RUN_ID ?? 'local'}-${Math.random().toString(36).slice(2, 8)}`;
}

export interface ReceivedMessage {
  routingKey: string;
  body: Record<string, unknown>;
  properties: amqp.MessageProperties;
}

/**
 * A subscriber as an external system would make one: its own durable-ish queue bound with a
 * pattern on the events exchange. It records every message it receives.
 */
export class TestSubscriber {
  readonly messages: ReceivedMessage[] = [];
  private constructor(
    private readonly connection: amqp.ChannelModel,
    private readonly channel: amqp.Channel,
    readonly queue: string,
  ) {}

  static async bind(options: { url?: string; exchange: string; pattern: string; queue?: string; exchangeArguments?: Record<string, unknown> }) {
    const connection = await amqp.connect(options.url ?? testAmqpUrl());
    const channel = await connection.createChannel();
    if (options.exchangeArguments) {
      await channel.assertExchange(options.exchange, 'topic', { durable: true, arguments: options.exchangeArguments });
    } else {
      await channel.checkExchange(options.exchange);
    }
    const queue = options.queue ?? uniqueName('test-subscriber');
    await channel.assertQueue(queue, { durable: true, autoDelete: false, arguments: { 'x-expires': 10 * 60_000 } });
    await channel.bindQueue(queue, options.exchange, options.pattern);
    const subscriber = new TestSubscriber(connection, channel, queue);
    await channel.consume(queue, (message) => {
      if (!message) return;
      subscriber.messages.push({
        routingKey: message.fields.routingKey,
        body: JSON.parse(message.content.toString()),
        properties: message.properties,
      });
      channel.ack(message);
    });
    return subscriber;
  }

  async waitFor(count: number, timeoutMs = 10_000): Promise<ReceivedMessage[]> {
    await waitUntil(() => this.messages.length >= count, timeoutMs, () => `expected ${count} messages, got ${this.messages.length}`);
    return this.messages;
  }

  async close(): Promise<void> {
    await this.channel.deleteQueue(this.queue).catch(() => undefined);
    await this.connection.close().catch(() => undefined);
  }
}

/** Polls until the condition holds; the failure message says what was missing. */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  describe: () => string = () => 'condition not met',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Messages waiting in a queue (e.g. a dead-letter queue), read without consuming them for good. */
export async function peekQueue(queue: string, url = testAmqpUrl()): Promise<ReceivedMessage[]> {
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createChannel();
    const found: ReceivedMessage[] = [];
    for (;;) {
      const message = await channel.get(queue, { noAck: false });
      if (!message) break;
      found.push({ routingKey: message.fields.routingKey, body: JSON.parse(message.content.toString()), properties: message.properties });
    }
    await channel.close(); // unacked messages return to the queue
    return found;
  } finally {
    await connection.close();
  }
}

/** Removes queues and exchanges a test declared. */
export async function deleteTopology(names: { queues?: string[]; exchanges?: string[] }, url = testAmqpUrl()) {
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    for (const queue of names.queues ?? []) await channel.deleteQueue(queue).catch(() => undefined);
    for (const exchange of names.exchanges ?? []) await channel.deleteExchange(exchange).catch(() => undefined);
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/** Publishes a CloudEvent as another service's relay would (a consumer cannot tell the difference). Returns its id. */
export async function publishCloudEvent(
  exchange: string,
  type: string,
  data: object,
  { id = randomUUID(), source = 'crm/widgets', url = testAmqpUrl() }: { id?: string; source?: string; url?: string } = {},
): Promise<string> {
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createConfirmChannel();
    const event = { specversion: '1.0', id, source, type, time: new Date().toISOString(), datacontenttype: 'application/json', data };
    channel.publish(exchange, type, Buffer.from(JSON.stringify(event)), { persistent: true, messageId: id, type });
    await channel.waitForConfirms();
    return id;
  } finally {
    await connection.close();
  }
}
