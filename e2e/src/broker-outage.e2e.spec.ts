import { eventsExchangeArguments } from '@crm/messaging';
import { PrivateRabbit, TestSubscriber, uniqueName, waitUntil } from '@crm/testing';
import { ApiClient, RunningSystem, startCrm } from './support/crm-system';

/**
 * The broker is stopped and restarted while opportunities are being created. Reads and writes
 * keep working during the outage, and afterwards every change's event reaches the subscriber:
 * none is lost (the outbox holds them), none is published twice.
 */
describe('broker outage during a stream of changes', () => {
  const exchange = 'crm.events';
  const queue = uniqueName('outage-subscriber');
  let rabbit: PrivateRabbit;
  let system: RunningSystem;
  let api: ApiClient;
  const subscribers: TestSubscriber[] = [];

  const subscribe = async () => {
    const subscriber = await TestSubscriber.bind({
      url: rabbit.url,
      exchange,
      pattern: 'marketing.#',
      queue,
      exchangeArguments: eventsExchangeArguments({ service: 'marketing', exchange }),
    });
    subscribers.push(subscriber);
  };
  const received = () => subscribers.flatMap((s) => s.messages).filter((m) => m.routingKey === 'marketing.opportunity.created.v1');

  beforeAll(async () => {
    rabbit = await PrivateRabbit.start(5699);
    await subscribe();
    system = await startCrm({ amqpUrl: rabbit.url, exchange, env: { RATE_LIMIT_MAX: '10000' } });
    api = new ApiClient(system);
  }, 180_000);

  afterAll(async () => {
    await system?.stop();
    for (const subscriber of subscribers) await subscriber.close().catch(() => undefined);
    await rabbit?.stop();
  }, 60_000);

  it('loses no event and duplicates none', async () => {
    const created: string[] = [];
    const create = async (i: number) => {
      const response = await api.call('supervisor', 'POST', '/opportunities', {
        customerName: `Outage customer ${i}`,
        successRate: 50,
        summary: 'stream',
        description: 'created around a broker outage',
      });
      expect(response.status).toBe(201);
      created.push(response.body.id);
    };

    for (let i = 0; i < 10; i++) await create(i);
    await waitUntil(() => received().length === 10, 15_000, () => `${received().length} of 10 before the outage`);

    await rabbit.stopApp();
    for (let i = 10; i < 20; i++) await create(i);
    // Reads keep working, and readiness stays green while reporting the broker as disconnected.
    const list = await api.call('supervisor', 'GET', '/opportunities?summary=stream&pageSize=100');
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(20);
    const ready = await fetch(`${system.services.marketing.url}/health/ready`);
    expect(ready.status).toBe(200);
    const health = (await ready.json()) as { details: { broker: { connected: boolean; outboxBacklog: number } } };
    expect(health.details.broker.connected).toBe(false);
    expect(health.details.broker.outboxBacklog).toBeGreaterThan(0);

    await rabbit.startApp();
    await subscribe(); // the subscriber's connection died with the broker; its durable queue kept the messages
    for (let i = 20; i < 30; i++) await create(i);

    await waitUntil(
      () => new Set(received().map((m) => m.body.id)).size >= 30,
      60_000,
      () => `${new Set(received().map((m) => m.body.id)).size} of 30 events after the outage`,
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const ids = received().map((m) => (m.body.data as { opportunityId: string }).opportunityId);
    expect(new Set(ids)).toEqual(new Set(created));
    expect(ids).toHaveLength(30);
  }, 180_000);
});
