import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as amqp from 'amqplib';
import { initTracing } from '@crm/observability';
import { deleteTopology, peekQueue, TestSubscriber, testAmqpUrl, uniqueName, waitUntil } from '@crm/testing';
import { EventInbox, eventsExchangeArguments, InboxMessage, JobLeases, MessagingHousekeeping, MessagingOptions, OutboxMessage, PURGE_BATCH, topologyNames } from '../src';
import { consumerCalls, RenameTally, startWidgetApp, WidgetApp } from './fixtures/widget-app';

describe('reliable events over real RabbitMQ', () => {
  const options: MessagingOptions = {
    service: 'widgets',
    amqpUrl: testAmqpUrl(),
    exchange: uniqueName('crm.events.test'),
    prefetch: 10,
    deliveryLimit: 3,
    outboxPollMs: 200,
    consumes: true,
  };
  const names = topologyNames(options);
  let widgetApp: WidgetApp;
  let subscriber: TestSubscriber;

  beforeAll(async () => {
    initTracing({ serviceName: 'widgets' }); // W3C propagation, as in a service
    // Clean leftovers of an aborted earlier run of this same spec (queue names are per service).
    await deleteTopology({ queues: [names.consumerQueue, names.deadLetterQueue, ...names.retryQueues.map((r) => r.queue)] });
    const dir = mkdtempSync(join(tmpdir(), 'crm-messaging-'));
    widgetApp = await startWidgetApp(options, { DB_DRIVER: 'sqlite', DB_NAME: join(dir, 'widgets.sqlite') });
    subscriber = await TestSubscriber.bind({ exchange: options.exchange, pattern: 'widgets.#' });
  });

  afterAll(async () => {
    await subscriber?.close();
    await widgetApp?.app.close();
    await deleteTopology({
      queues: [names.consumerQueue, names.deadLetterQueue, names.unroutedQueue, ...names.retryQueues.map((r) => r.queue)],
      exchanges: [names.exchange, names.unroutedExchange, names.deadLetterExchange],
    });
  });

  it('publishes a committed change exactly once as a persistent CloudEvent with trace headers', async () => {
    await widgetApp.widgets.rename('w-1', 'Sprocket');
    const [message] = await subscriber.waitFor(1);
    await new Promise((resolve) => setTimeout(resolve, 500)); // time for any duplicate to arrive
    const forW1 = subscriber.messages.filter((m) => (m.body.data as { widgetId: string }).widgetId === 'w-1');
    expect(forW1).toHaveLength(1);
    expect(message.routingKey).toBe('widgets.widget.renamed.v1');
    expect(message.body).toMatchObject({
      specversion: '1.0',
      source: 'crm/widgets',
      type: 'widgets.widget.renamed.v1',
      datacontenttype: 'application/json',
      subject: 'w-1',
      data: { widgetId: 'w-1', name: 'Sprocket' },
    });
    expect(message.properties.deliveryMode).toBe(2);
    expect(message.properties.messageId).toBe(message.body.id);
    expect(message.properties.contentType).toBe('application/cloudevents+json');
    expect(message.properties.headers?.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
    const row = await widgetApp.orm.em.fork().findOneOrFail(OutboxMessage, { eventId: message.body.id as string });
    expect(row.sentAt).toBeInstanceOf(Date);
  });

  it('publishes nothing when the transaction that recorded the event rolls back', async () => {
    await expect(widgetApp.widgets.rename('w-rollback', 'Nope', { failAfterRecording: true })).rejects.toThrow();
    await widgetApp.widgets.rename('w-after', 'Marker');
    await waitUntil(() => subscriber.messages.some((m) => (m.body.data as { widgetId: string }).widgetId === 'w-after'));
    expect(subscriber.messages.some((m) => (m.body.data as { widgetId: string }).widgetId === 'w-rollback')).toBe(false);
    expect(await widgetApp.orm.em.fork().count(OutboxMessage, { subject: 'w-rollback' })).toBe(0);
  });

  it('applies an event delivered three times only once (inbox)', async () => {
    const before = consumerCalls.renamed;
    await widgetApp.widgets.rename('w-dup', 'Original');
    await waitUntil(async () => (await widgetApp.orm.em.fork().findOne(RenameTally, { widgetId: 'w-dup' }))?.renames === 1);
    const [original] = subscriber.messages.filter((m) => (m.body.data as { widgetId: string }).widgetId === 'w-dup');
    // Redeliver the very same event twice, as a broker would after a lost ack.
    const connection = await amqp.connect(testAmqpUrl());
    const channel = await connection.createConfirmChannel();
    for (let i = 0; i < 2; i++) {
      channel.publish(options.exchange, original.routingKey, Buffer.from(JSON.stringify(original.body)), {
        persistent: true,
        messageId: original.properties.messageId,
        type: original.routingKey,
      });
    }
    await channel.waitForConfirms();
    await connection.close();
    // A later event is applied only after the broker handed out the duplicates before it.
    await widgetApp.widgets.rename('w-marker', 'after the duplicates');
    await waitUntil(async () => (await widgetApp.orm.em.fork().findOne(RenameTally, { widgetId: 'w-marker' }))?.renames === 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(consumerCalls.renamed).toBe(before + 2); // w-dup once, w-marker once: duplicates never reached the handler
    const tally = await widgetApp.orm.em.fork().findOneOrFail(RenameTally, { widgetId: 'w-dup' });
    expect(tally.renames).toBe(1);
    // The mark is kept under the handler's declared consumer name, so renaming the method is safe.
    expect(await widgetApp.app.get(EventInbox).hasProcessed('widgets:rename-tally', original.body.id as string)).toBe(true);
  });

  it('dead-letters a message that fails contract validation, without calling the handler', async () => {
    const before = consumerCalls.renamed;
    const connection = await amqp.connect(testAmqpUrl());
    const channel = await connection.createConfirmChannel();
    channel.publish(options.exchange, 'widgets.widget.renamed.v1', Buffer.from(JSON.stringify({ hello: 'not a cloud event' })), {
      persistent: true,
      type: 'widgets.widget.renamed.v1',
      messageId: 'bad-1',
    });
    await channel.waitForConfirms();
    await connection.close();
    let dead: Awaited<ReturnType<typeof peekQueue>> = [];
    await waitUntil(async () => {
      dead = await peekQueue(names.deadLetterQueue);
      return dead.some((m) => m.properties.messageId === 'bad-1');
    });
    expect(consumerCalls.renamed).toBe(before);
  });

  it('dead-letters a message whose handler keeps failing after the delivery limit, instead of looping', async () => {
    await widgetApp.widgets.explode('w-boom');
    let dead: Awaited<ReturnType<typeof peekQueue>> = [];
    await waitUntil(
      async () => {
        dead = await peekQueue(names.deadLetterQueue);
        return dead.some((m) => m.routingKey === 'widgets.widget.exploded.v1' || m.body.type === 'widgets.widget.exploded.v1');
      },
      20_000,
      () => `handler ran ${consumerCalls.exploded} times, nothing in ${names.deadLetterQueue}`,
    );
    const callsAtDeadLetter = consumerCalls.exploded;
    expect(callsAtDeadLetter).toBe(options.deliveryLimit);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(consumerCalls.exploded).toBe(callsAtDeadLetter);
  });

  it('dead-letters at once, without retries, when the handler says the event can never apply', async () => {
    const before = consumerCalls.exploded;
    await widgetApp.widgets.explode('perm-1');
    await waitUntil(async () => (await peekQueue(names.deadLetterQueue)).some((m) => (m.body.data as { widgetId?: string })?.widgetId === 'perm-1'));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(consumerCalls.exploded).toBe(before + 1);
  });

  it('declares the events exchange with an alternate exchange so unroutable events are kept', async () => {
    const connection = await amqp.connect(testAmqpUrl());
    const channel = await connection.createChannel();
    // Re-declaring with the same arguments succeeds only if the exchange has exactly those.
    await channel.assertExchange(options.exchange, 'topic', { durable: true, arguments: eventsExchangeArguments(options) });
    await connection.close();
    // An event type no queue is bound for lands in the unrouted queue instead of vanishing.
    const connection2 = await amqp.connect(testAmqpUrl());
    const channel2 = await connection2.createConfirmChannel();
    channel2.publish(options.exchange, 'nobody.listens.here.v1', Buffer.from('{}'), { persistent: true, messageId: 'unrouted-1', mandatory: true });
    await channel2.waitForConfirms();
    await connection2.close();
    await waitUntil(async () => (await peekQueue(names.unroutedQueue)).some((m) => m.properties.messageId === 'unrouted-1'));
  });

  it('does not mistake a handler’s own unique-key failure for a duplicate delivery', async () => {
    const inbox = widgetApp.app.get(EventInbox);
    await widgetApp.orm.em.fork().insert(RenameTally, { widgetId: 'taken', renames: 0 });
    const event = { id: 'evt-unique-1', type: 'widgets.widget.renamed.v1' };
    // Was reported as 'duplicate' and acked: the event was lost without retry or dead letter.
    await expect(inbox.runOnce('test:consumer', event, (em) => em.insert(RenameTally, { widgetId: 'taken', renames: 1 }))).rejects.toThrow();
    expect(await inbox.hasProcessed('test:consumer', event.id)).toBe(false);
    expect(await inbox.runOnce('test:consumer', event, async () => undefined)).toBe('applied');
    expect(await inbox.runOnce('test:consumer', event, async () => undefined)).toBe('duplicate');
  });

  it('purges sent outbox rows and inbox marks after their retention, never unsent rows', async () => {
    const em = widgetApp.orm.em.fork();
    const sentBefore = await em.count(OutboxMessage, { sentAt: { $ne: null } });
    const marksBefore = await em.count(InboxMessage, {});
    expect(sentBefore).toBeGreaterThan(0);
    expect(marksBefore).toBeGreaterThan(0);
    const housekeeping = widgetApp.app.get(MessagingHousekeeping);
    expect(await housekeeping.purge()).toEqual({ outbox: 0, inbox: 0 }); // all younger than a week
    const unsent = await em.count(OutboxMessage, { sentAt: null });
    const later = new Date(Date.now() + 31 * 24 * 3600_000);
    expect(await housekeeping.purge(later)).toEqual({ outbox: sentBefore, inbox: marksBefore });
    expect(await em.count(OutboxMessage, { sentAt: null })).toBe(unsent);
  });

  it('purges in bounded batches, and only in one replica at a time', async () => {
    const em = widgetApp.orm.em.fork();
    const old = new Date(Date.now() - 40 * 24 * 3600_000);
    const rows = Array.from({ length: PURGE_BATCH * 2 + 7 }, (_, i) => {
      const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      const row = new OutboxMessage(
        { specversion: '1.0', id, source: 'crm/widgets', type: 'widgets.widget.renamed.v1', time: old.toISOString(), datacontenttype: 'application/json', data: {} },
        {},
      );
      row.sentAt = old;
      return row;
    });
    await em.insertMany(OutboxMessage, rows);
    const marks = rows.map((row, i) => ({ consumer: 'test:purge', eventId: row.eventId, eventType: row.type, processedAt: new Date(old.getTime() + i) }));
    await em.insertMany(InboxMessage, marks);
    const deletes: string[] = [];
    const listener = (query: string) => /^delete/i.test(query) && deletes.push(query);
    const housekeeping = widgetApp.app.get(MessagingHousekeeping);
    const otherReplica = new JobLeases(widgetApp.orm);
    const now = new Date();
    // Another replica holds the purge job: this one leaves it alone.
    expect(await otherReplica.acquire('messaging-purge', 60_000, now)).toBe(true);
    expect(await housekeeping.purgeIfLeader(now)).toBeNull();
    expect(await em.count(OutboxMessage, { eventId: { $in: rows.map((r) => r.eventId) } })).toBe(rows.length);
    await otherReplica.release('messaging-purge');
    const logger = widgetApp.orm.config.getLogger();
    const original = logger.logQuery.bind(logger);
    logger.logQuery = (context) => {
      listener(context.query ?? '');
      return original(context);
    };
    try {
      expect(await housekeeping.purgeIfLeader(now)).toEqual({ outbox: rows.length, inbox: marks.length });
    } finally {
      logger.logQuery = original;
    }
    // Three batches per table, none larger than PURGE_BATCH rows.
    expect(deletes.filter((q) => q.includes('outbox_message'))).toHaveLength(3);
    expect(deletes.filter((q) => q.includes('inbox_message'))).toHaveLength(3);
    expect(await em.count(OutboxMessage, { eventId: { $in: rows.map((r) => r.eventId) } })).toBe(0);
  });
});
