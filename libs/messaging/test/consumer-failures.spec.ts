import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as amqp from 'amqplib';
import { deleteTopology, peekQueue, publishCloudEvent as publishEvent, testAmqpUrl, uniqueName, waitUntil } from '@crm/testing';
import { ConsumerHealth, InboxMessage, MessagingOptions, RETRY_HEADERS, topologyNames } from '../src';
import { consumerCalls, RenameTally, startWidgetApp, WidgetApp, WidgetCopy } from './fixtures/widget-app';

function allQueues(options: MessagingOptions): string[] {
  const names = topologyNames(options);
  return [names.consumerQueue, names.deadLetterQueue, names.unroutedQueue, ...names.retryQueues.map((r) => r.queue)];
}

describe('consumer failures, versions and health', () => {
  const options: MessagingOptions = {
    service: uniqueName('widgets'),
    amqpUrl: testAmqpUrl(),
    exchange: uniqueName('crm.events.cf'),
    prefetch: 10,
    deliveryLimit: 3,
    outboxPollMs: 200,
    consumes: true,
  };
  const names = topologyNames(options);
  let widgetApp: WidgetApp;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-consumer-'));
    widgetApp = await startWidgetApp(options, { DB_DRIVER: 'sqlite', DB_NAME: join(dir, 'widgets.sqlite') });
  });

  afterAll(async () => {
    await widgetApp?.app.close();
    await deleteTopology({ queues: allQueues(options), exchanges: [names.exchange, names.unroutedExchange, names.deadLetterExchange] });
  });

  it('reports the consumer as consuming once its queue is set up', async () => {
    await waitUntil(() => widgetApp.app.get(ConsumerHealth).current.state === 'consuming');
  });

  it('ignores an older version of an aggregate that arrives after a newer one', async () => {
    await publishEvent(options.exchange, 'widgets.widget.recolored.v1', { widgetId: 'v-1', version: 3, color: 'blue' });
    await waitUntil(async () => (await widgetApp.orm.em.fork().findOne(WidgetCopy, { widgetId: 'v-1' }))?.color === 'blue');
    const stale = await publishEvent(options.exchange, 'widgets.widget.recolored.v1', { widgetId: 'v-1', version: 2, color: 'red' });
    await waitUntil(async () => (await widgetApp.orm.em.fork().count(InboxMessage, { eventId: stale })) === 1);
    const copy = await widgetApp.orm.em.fork().findOneOrFail(WidgetCopy, { widgetId: 'v-1' });
    expect({ color: copy.color, version: copy.sourceVersion }).toEqual({ color: 'blue', version: 3 });
    await publishEvent(options.exchange, 'widgets.widget.recolored.v1', { widgetId: 'v-1', version: 4, color: 'green' });
    await waitUntil(async () => (await widgetApp.orm.em.fork().findOne(WidgetCopy, { widgetId: 'v-1' }))?.color === 'green');
  });

  it('refuses a handler that writes through a transaction of its own: nothing committed, dead-lettered with the reason', async () => {
    const id = await publishEvent(options.exchange, 'widgets.widget.forked.v1', { widgetId: 'f-1' });
    let dead: Awaited<ReturnType<typeof peekQueue>> = [];
    await waitUntil(async () => {
      dead = await peekQueue(names.deadLetterQueue);
      return dead.some((m) => m.properties.messageId === id);
    });
    const letter = dead.find((m) => m.properties.messageId === id)!;
    expect(String(letter.properties.headers?.[RETRY_HEADERS.error])).toMatch(/ForeignTransactionError: .*transaction of its own/);
    expect(letter.properties.headers?.[RETRY_HEADERS.consumerQueue]).toBe(names.consumerQueue);
    expect(letter.properties.headers?.[RETRY_HEADERS.routingKey]).toBe('widgets.widget.forked.v1');
    expect(consumerCalls.forked).toBe(1); // permanent: not retried
    expect(await widgetApp.orm.em.fork().count(RenameTally, { widgetId: 'forked:f-1' })).toBe(0);
    expect(await widgetApp.orm.em.fork().count(InboxMessage, { eventId: id })).toBe(0);
  });

  it('keeps consuming healthy messages while a failing one waits in a retry queue', async () => {
    const explodedBefore = consumerCalls.exploded;
    const failing = await publishEvent(options.exchange, 'widgets.widget.exploded.v1', { widgetId: 'slow-boom' });
    await waitUntil(() => consumerCalls.exploded === explodedBefore + 1);
    await publishEvent(options.exchange, 'widgets.widget.renamed.v1', { widgetId: 'healthy-1', name: 'ok' });
    await waitUntil(async () => (await widgetApp.orm.em.fork().findOne(RenameTally, { widgetId: 'healthy-1' }))?.renames === 1);
    // The healthy message was applied while the failing one waited for its second try (1 s later).
    expect(consumerCalls.exploded).toBe(explodedBefore + 1);
    // The failing one is parked, carrying its count, not redelivered in a hot loop.
    await waitUntil(async () => (await peekQueue(names.deadLetterQueue)).some((m) => m.properties.messageId === failing), 20_000);
    const letter = (await peekQueue(names.deadLetterQueue)).find((m) => m.properties.messageId === failing)!;
    expect(String(letter.properties.headers?.[RETRY_HEADERS.error])).toMatch(/failed 3 times/);
    expect(letter.properties.headers?.[RETRY_HEADERS.attempts]).toBe(3);
  });
});

describe('a consumer the broker refuses', () => {
  const options: MessagingOptions = {
    service: uniqueName('widgets'),
    amqpUrl: testAmqpUrl(),
    exchange: uniqueName('crm.events.refused'),
    prefetch: 5,
    deliveryLimit: 3,
    outboxPollMs: 200,
    consumes: true,
  };
  const names = topologyNames(options);

  afterAll(async () => {
    await deleteTopology({ queues: allQueues(options), exchanges: [names.exchange, names.unroutedExchange, names.deadLetterExchange] });
  });

  it('is reported as refused (readiness fails) instead of idling silently when its queue exists with other arguments', async () => {
    // The queue as an older version declared it: classic, no delivery limit.
    const connection = await amqp.connect(testAmqpUrl());
    const channel = await connection.createChannel();
    await channel.assertQueue(names.consumerQueue, { durable: true });
    await connection.close();
    const dir = mkdtempSync(join(tmpdir(), 'crm-refused-'));
    const app = await startWidgetApp(options, { DB_DRIVER: 'sqlite', DB_NAME: join(dir, 'widgets.sqlite') }, { awaitConsumer: false });
    try {
      const health = app.app.get(ConsumerHealth);
      await waitUntil(() => health.current.state === 'refused', 10_000, () => `state ${health.current.state}`);
      expect(health.current.reason).toMatch(/PRECONDITION_FAILED|inequivalent arg/);
    } finally {
      await app.app.close();
    }
  });
});
