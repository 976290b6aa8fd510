import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deleteTopology, peekQueue, testAmqpUrl, uniqueName, waitUntil } from '@crm/testing';
import { MessagingOptions, topologyNames } from '../src';
import { consumerCalls, POLISH_MS, RenameTally, startWidgetApp } from './fixtures/widget-app';

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
      queues: [names.consumerQueue, names.deadLetterQueue, names.unroutedQueue],
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
});
