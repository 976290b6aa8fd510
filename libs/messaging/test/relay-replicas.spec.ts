import { deleteTopology, TestSubscriber, testAmqpUrl, uniqueName, waitUntil } from '@crm/testing';
import { eventsExchangeArguments, MessagingOptions, OutboxMessage, topologyNames } from '../src';
import { startWidgetApp, WidgetApp } from './fixtures/widget-app';

/**
 * Two replicas of a service share one PostgreSQL schema, so both relays see every outbox row. Row
 * leases must make each event leave once, in commit order, whichever replica publishes it.
 */
describe('outbox relays in several replicas', () => {
  const options: MessagingOptions = {
    service: 'widgets',
    amqpUrl: testAmqpUrl(),
    exchange: uniqueName('crm.events.replicas'),
    prefetch: 10,
    deliveryLimit: 3,
    outboxPollMs: 50,
    consumes: false,
  };
  const schema = uniqueName('widgets').replace(/[^a-z0-9]/g, '_');
  const db = { DB_DRIVER: 'postgresql' as const, DB_URL: process.env.CRM_TEST_PG_URL, DB_SCHEMA: schema };
  const replicas: WidgetApp[] = [];
  let subscriber: TestSubscriber;

  beforeAll(async () => {
    subscriber = await TestSubscriber.bind({
      exchange: options.exchange,
      pattern: 'widgets.#',
      exchangeArguments: eventsExchangeArguments(options),
    });
    replicas.push(await startWidgetApp(options, db));
    replicas.push(await startWidgetApp(options, db, { createSchema: false }));
  });

  afterAll(async () => {
    await subscriber?.close();
    await replicas[0]?.orm.em.getConnection().execute(`drop schema if exists "${schema}" cascade`);
    for (const replica of replicas) await replica.app.close();
    const names = topologyNames(options);
    await deleteTopology({ queues: [names.unroutedQueue], exchanges: [names.exchange, names.unroutedExchange] });
  });

  it('publishes every event exactly once, in commit order', async () => {
    const count = 60;
    for (let i = 0; i < count; i++) await replicas[i % replicas.length].widgets.rename(`w-${String(i).padStart(3, '0')}`, `name ${i}`);
    await waitUntil(() => subscriber.messages.length >= count, 20_000, () => `${subscriber.messages.length} of ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 500)); // any duplicate would arrive by now
    const widgetIds = subscriber.messages.map((m) => (m.body.data as { widgetId: string }).widgetId);
    expect(widgetIds).toHaveLength(count);
    expect(widgetIds).toEqual([...widgetIds].sort());
    expect(await replicas[0].orm.em.fork().count(OutboxMessage, { sentAt: null })).toBe(0);
  });
});
