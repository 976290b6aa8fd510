import { deleteTopology, peekQueue, PrivatePostgres, publishCloudEvent, testAmqpUrl, uniqueName, waitUntil } from '@crm/testing';
import { InboxMessage, MessagingOptions, topologyNames } from '../src';
import { RenameTally, startWidgetApp, WidgetApp } from './fixtures/widget-app';

const OUTAGE_MS = 30_000;

/**
 * A database failover of 30 s while events keep arriving: nothing may be dead-lettered, and
 * afterwards every event is applied exactly once. The database is a private PostgreSQL server,
 * stopped and started under the consumer; the shared one is never touched.
 */
describe('a 30 s database outage under a stream of events', () => {
  jest.setTimeout(180_000);
  const options: MessagingOptions = {
    service: uniqueName('widgets'),
    amqpUrl: testAmqpUrl(),
    exchange: uniqueName('crm.events.dbout'),
    prefetch: 10,
    deliveryLimit: 3,
    outboxPollMs: 200,
    consumes: true,
  };
  const names = topologyNames(options);
  let pg: PrivatePostgres;
  let widgetApp: WidgetApp;

  beforeAll(async () => {
    pg = await PrivatePostgres.start();
    widgetApp = await startWidgetApp(options, { DB_DRIVER: 'postgresql', DB_URL: pg.url, DB_SCHEMA: 'widgets' });
  });

  afterAll(async () => {
    await widgetApp?.app.close();
    await pg?.stop();
    await deleteTopology({
      queues: [names.consumerQueue, names.deadLetterQueue, names.unroutedQueue, ...names.retryQueues.map((r) => r.queue)],
      exchanges: [names.exchange, names.unroutedExchange, names.deadLetterExchange],
    });
  });

  it('waits the outage out: nothing dead-lettered, every event applied once', async () => {
    const publish = (i: number) =>
      publishCloudEvent(options.exchange, 'widgets.widget.renamed.v1', { widgetId: `out-${i}`, name: `name ${i}` });
    for (let i = 0; i < 10; i++) await publish(i);
    await waitUntil(async () => (await widgetApp.orm.em.fork().count(RenameTally, {})) === 10, 10_000);

    await pg.pause();
    const outageStarted = Date.now();
    for (let i = 10; i < 40; i++) {
      await publish(i);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS - (Date.now() - outageStarted)));
    expect(await peekQueue(names.deadLetterQueue)).toHaveLength(0);
    await pg.resume();

    const em = () => widgetApp.orm.em.fork();
    await waitUntil(async () => (await em().count(RenameTally, {})) === 40, 120_000, () => 'not every event applied after the outage');
    const tallies = await em().find(RenameTally, {});
    expect(tallies.filter((tally) => tally.renames !== 1)).toEqual([]);
    expect(await em().count(InboxMessage, {})).toBe(40);
    expect(await peekQueue(names.deadLetterQueue)).toHaveLength(0);
  });
});
