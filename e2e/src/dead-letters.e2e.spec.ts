import { eventsExchangeArguments } from '@crm/messaging';
import { deleteTopology, TestSubscriber, testAmqpUrl, uniqueName, waitUntil } from '@crm/testing';
import { ApiClient, RunningSystem, startCrm } from './support/crm-system';

/**
 * The operator's way back for events nobody took, through the gateway with real tokens: nothing
 * consumes marketing's events yet, so an opportunity's `created` event lands in the unrouted queue
 * of this run's exchange; an admin finds it, replays it once a subscriber is bound, and discards
 * another. Only queues of this run are touched: its services' queues carry the run's prefix
 * (AMQP_QUEUE_PREFIX), so `<exchange>.marketing.events.dlq` is this run's alone.
 */
describe('dead letters through the gateway (admin)', () => {
  const exchange = uniqueName('crm.events.e2e-dl');
  const unrouted = `${exchange}.unrouted`;
  const CREATED = 'marketing.opportunity.created.v1';
  let system: RunningSystem;
  let api: ApiClient;
  let subscriber: TestSubscriber | undefined;

  const createOpportunity = async (customerName: string): Promise<string> => {
    const created = await api.call('supervisor', 'POST', '/opportunities', { customerName, successRate: 40, summary: 'dead letters', description: 'e2e' });
    expect(created.status).toBe(201);
    return created.body.id;
  };
  /** The id of the created event of this opportunity, once it sits in the unrouted queue. */
  const unroutedEventOf = async (opportunityId: string): Promise<string> => {
    let eventId: string | undefined;
    await waitUntil(
      async () => {
        const list = await api.call('admin', 'GET', `/admin/dead-letters/${unrouted}?type=${CREATED}`);
        for (const item of list.body.items ?? []) {
          const shown = await api.call('admin', 'GET', `/admin/dead-letters/${unrouted}/messages/${item.id}`);
          if (shown.body.body?.data?.opportunityId === opportunityId) eventId = item.id;
        }
        return eventId !== undefined;
      },
      15_000,
      () => `no ${CREATED} for ${opportunityId} in ${unrouted}`,
    );
    return eventId!;
  };
  const unroutedIds = async () => (await api.call('admin', 'GET', `/admin/dead-letters/${unrouted}`)).body.items.map((i: { id: string }) => i.id);

  beforeAll(async () => {
    system = await startCrm({ amqpUrl: testAmqpUrl(), exchange, env: { RATE_LIMIT_MAX: '10000' } });
    api = new ApiClient(system);
  }, 120_000);

  afterAll(async () => {
    await subscriber?.close();
    await system?.stop();
    await deleteTopology({ queues: [unrouted], exchanges: [exchange, unrouted] });
  });

  it('lets only admins in: 401 without a token, 403 for a supervisor or a manager', async () => {
    expect((await api.call(null, 'GET', '/admin/dead-letters')).status).toBe(401);
    for (const login of ['supervisor', 'manager1', 'executive'] as const) {
      const response = await api.call(login, 'GET', '/admin/dead-letters');
      expect(response.status).toBe(403);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body.code).toBe('AUTH.FORBIDDEN');
    }
    expect((await api.call('supervisor', 'POST', `/admin/dead-letters/${unrouted}/replay`, { all: true })).status).toBe(403);
  });

  it('lists the dead-letter queues and the unrouted queue with counts', async () => {
    const response = await api.call('admin', 'GET', '/admin/dead-letters');
    expect(response.status).toBe(200);
    const queues = response.body.items.map((q: { queue: string }) => q.queue);
    expect(queues).toEqual(expect.arrayContaining([`${exchange}.marketing.events.dlq`, `${exchange}.customer.events.dlq`, unrouted]));
    expect(response.body.items.find((q: { queue: string }) => q.queue === unrouted)).toMatchObject({ kind: 'unrouted', present: true });
    // The customer service consumes, so its dead-letter queue exists; it is empty.
    expect(response.body.items.find((q: { queue: string }) => q.queue === `${exchange}.customer.events.dlq`)).toMatchObject({ present: true, messages: 0 });
    const dlq = await api.call('admin', 'GET', `/admin/dead-letters/${exchange}.customer.events.dlq`);
    expect(dlq.status).toBe(200);
    expect(dlq.body).toMatchObject({ queue: `${exchange}.customer.events.dlq`, items: [] });
  });

  it('answers 404 problem+json for a queue that is not a dead-letter or unrouted queue', async () => {
    // An unprefixed queue belongs to another environment on the broker: not this gateway's.
    for (const queue of ['orders.events.dlq', 'marketing.events', 'customer.events.dlq', `${exchange}.dlx`]) {
      const response = await api.call('admin', 'GET', `/admin/dead-letters/${queue}`);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body.code).toBe('DEAD_LETTERS.UNKNOWN_QUEUE');
    }
  });

  it('replays an unrouted event to a subscriber bound afterwards, once, with its id', async () => {
    const opportunityId = await createOpportunity('Dead Letter Replay Co');
    const eventId = await unroutedEventOf(opportunityId);
    const shown = await api.call('admin', 'GET', `/admin/dead-letters/${unrouted}/messages/${eventId}`);
    expect(shown.body).toMatchObject({ id: eventId, type: CREATED, routingKey: CREATED, source: 'crm/marketing', originalQueue: null });
    expect(shown.body.headers.traceparent).toMatch(/^00-/);

    // Still nothing bound: the replay is taken back into the unrouted queue, not lost.
    const early = await api.call('admin', 'POST', `/admin/dead-letters/${unrouted}/replay`, { ids: [eventId] });
    expect(early.status).toBe(200);
    expect(early.body).toMatchObject({ matched: 1, done: 1, failed: [] });
    expect(await unroutedIds()).toContain(eventId);

    subscriber = await TestSubscriber.bind({ exchange, pattern: 'marketing.#', exchangeArguments: eventsExchangeArguments({ service: 'marketing', exchange }) });
    const replayed = await api.call('admin', 'POST', `/admin/dead-letters/${unrouted}/replay`, { ids: [eventId] });
    expect(replayed.body).toMatchObject({ matched: 1, done: 1, failed: [] });
    const [received] = await subscriber.waitFor(1);
    await new Promise((resolve) => setTimeout(resolve, 500)); // time for a duplicate to arrive
    expect(subscriber.messages).toHaveLength(1);
    expect(received.routingKey).toBe(CREATED);
    expect(received.properties.messageId).toBe(eventId);
    expect(received.body).toMatchObject({ id: eventId, type: CREATED, data: { opportunityId } });
    expect(Object.keys(received.properties.headers ?? {}).filter((h) => h.startsWith('x-crm-'))).toEqual([]);
    expect(await unroutedIds()).not.toContain(eventId);
    await subscriber.close();
    subscriber = undefined;
  });

  it('discards by type and validates the selection', async () => {
    const opportunityId = await createOpportunity('Dead Letter Discard Co');
    await unroutedEventOf(opportunityId);
    const nothing = await api.call('admin', 'POST', `/admin/dead-letters/${unrouted}/discard`, {});
    expect(nothing.status).toBe(400);
    expect(nothing.body.code).toBe('DEAD_LETTERS.NOTHING_SELECTED');
    const invalid = await api.call('admin', 'POST', `/admin/dead-letters/${unrouted}/discard`, { all: 'yes' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.code).toBe('VALIDATION.FAILED');

    const discarded = await api.call('admin', 'POST', `/admin/dead-letters/${unrouted}/discard`, { type: CREATED });
    expect(discarded.status).toBe(200);
    expect(discarded.body.done).toBeGreaterThanOrEqual(1);
    const left = await api.call('admin', 'GET', `/admin/dead-letters/${unrouted}?type=${CREATED}`);
    expect(left.body).toMatchObject({ matched: 0, items: [] });
  });

  it('documents the endpoint in the merged OpenAPI document', async () => {
    const document = (await (await fetch(`${system.urls.gateway}/api/docs-json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/api/v1/admin/dead-letters', '/api/v1/admin/dead-letters/{queue}', '/api/v1/admin/dead-letters/{queue}/replay']),
    );
  });
});
