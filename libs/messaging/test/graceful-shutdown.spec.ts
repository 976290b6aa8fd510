import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deleteTopology, peekQueue, testAmqpUrl, uniqueName, waitUntil } from '@crm/testing';
import * as amqp from 'amqplib';
import { MessagingLifecycle, MessagingOptions, topologyNames } from '../src';
import { consumerCalls, POLISH_MS, RenameTally, startWidgetApp, WidgetRenamedV1 } from './fixtures/widget-app';

/**
 * Stopping a service while it handles a message: consuming stops, the handler finishes and
 * commits, the message is acknowledged — so the next instance neither repeats nor loses it.
 */
describe('graceful shutdown of a consumer', () => {
  const options: MessagingOptions = {
    service: 'widgets',
    amqpUrl: testAmqpUrl(),
    exchange: uniqueName('crm.events.shutdown'),
    prefetch: 10,
    deliveryLimit: 3,
    outboxPollMs: 100,
    consumes: true,
  };
  const names = topologyNames(options);
  const db = { DB_DRIVER: 'sqlite' as const, DB_NAME: join(mkdtempSync(join(tmpdir(), 'crm-shutdown-')), 'widgets.sqlite') };

  beforeAll(() => deleteTopology({ queues: [names.consumerQueue, names.deadLetterQueue] }));
  afterAll(() =>
    deleteTopology({
      queues: [names.consumerQueue, names.deadLetterQueue, names.unroutedQueue, ...names.retryQueues.map((r) => r.queue)],
      exchanges: [names.exchange, names.unroutedExchange, names.deadLetterExchange],
    }),
  );

  it('finishes and acknowledges the message in flight before closing', async () => {
    const first = await startWidgetApp(options, db);
    await first.widgets.polish('w-1');
    await waitUntil(() => consumerCalls.polishStarted === 1, 10_000, () => 'the handler never started');

    await first.app.close();
    expect(consumerCalls.polishFinished).toBe(1); // close() waited for the handler

    const second = await startWidgetApp(options, db, { createSchema: false });
    try {
      expect(await second.orm.em.fork().count(RenameTally, { widgetId: 'polish:w-1' })).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, POLISH_MS + 500)); // time for a redelivery to show
      expect(consumerCalls.polishStarted).toBe(1);
      expect(await peekQueue(names.deadLetterQueue)).toHaveLength(0);
    } finally {
      await second.app.close();
    }
  });

  it('lets the in-flight handler finish under the shutdown coordinator too (SHUTDOWN_TIMEOUT_MS bounds it)', async () => {
    const first = await startWidgetApp(options, db, { createSchema: false, shutdownTimeoutMs: 10_000 });
    const started = consumerCalls.polishStarted;
    const finished = consumerCalls.polishFinished;
    await first.widgets.polish('w-2');
    await waitUntil(() => consumerCalls.polishStarted === started + 1, 10_000, () => 'the handler never started');
    await first.app.close();
    expect(consumerCalls.polishFinished).toBe(finished + 1);
    const second = await startWidgetApp(options, db, { createSchema: false });
    try {
      expect(await second.orm.em.fork().count(RenameTally, { widgetId: 'polish:w-2' })).toBe(1);
    } finally {
      await second.app.close();
    }
  });

  it('stops taking deliveries when shutdown begins, even before its first message', async () => {
    const first = await startWidgetApp(options, db, { createSchema: false });
    const before = consumerCalls.renamed;
    await first.app.get(MessagingLifecycle).beforeApplicationShutdown(); // what SIGTERM starts with
    const connection = await amqp.connect(testAmqpUrl());
    const channel = await connection.createConfirmChannel();
    const event = {
      specversion: '1.0',
      id: uniqueName('evt'),
      source: 'crm/widgets',
      type: WidgetRenamedV1.type,
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      data: { widgetId: 'w-after-shutdown', name: 'late' },
    };
    channel.publish(options.exchange, event.type, Buffer.from(JSON.stringify(event)), { persistent: true, messageId: event.id, type: event.type });
    await channel.waitForConfirms();
    await connection.close();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(consumerCalls.renamed).toBe(before); // the stopping instance did not take it
    await first.app.close();

    const second = await startWidgetApp(options, db, { createSchema: false });
    try {
      await waitUntil(async () => (await second.orm.em.fork().count(RenameTally, { widgetId: 'w-after-shutdown' })) === 1);
    } finally {
      await second.app.close();
    }
  });
});
