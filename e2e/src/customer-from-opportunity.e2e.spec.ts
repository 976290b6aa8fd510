import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { eventsExchangeArguments } from '@crm/messaging';
import { publishCloudEvent, TestSubscriber, testAmqpUrl, uniqueName, waitUntil } from '@crm/testing';
import { ApiClient, RunningSystem, startCrm } from './support/crm-system';

const run = promisify(execFile);

/** `crm_events_consumed_total` of succeeded events one replica applied. */
async function appliedSucceededEvents(replicaUrl: string): Promise<number> {
  const text = await (await fetch(`${replicaUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('crm_events_consumed_total{') && l.includes('marketing.opportunity.succeeded.v1') && l.includes('outcome="applied"'));
  return line ? Number(line.split(' ').pop()) : 0;
}

/**
 * 开发成功 → a customer (requirements §1.2), across services: the marketing service publishes
 * `marketing.opportunity.succeeded.v1`, and the customer service — two replicas sharing one
 * PostgreSQL schema and one queue — creates exactly one customer, however often the event arrives.
 */
describe('a successful opportunity becomes a customer, exactly once', () => {
  const exchange = uniqueName('crm.events.e2e-succeed');
  const schema = uniqueName('customer_e2e').replace(/[^a-z0-9]/g, '_');
  const pgUrl = process.env.CRM_TEST_PG_URL!;
  let system: RunningSystem;
  let api: ApiClient;
  let customerEvents: TestSubscriber;
  let succeededEvents: TestSubscriber;
  const ids: Record<string, string> = {};

  const customersNamed = async (name: string) => (await api.call('supervisor', 'GET', `/customers?name=${encodeURIComponent(name)}`)).body;
  const createdEventsOf = (opportunityId: string) =>
    customerEvents.messages.filter(
      (m) => m.routingKey === 'customer.customer.created.v1' && (m.body.data as { sourceOpportunityId: string }).sourceOpportunityId === opportunityId,
    );

  /** An opportunity of manager1's, marked succeeded by them; resolves with its id. */
  async function succeededOpportunity(customerName: string, contact: { contact?: string; contactPhone?: string } = {}): Promise<string> {
    const created = await api.call('manager1', 'POST', '/opportunities', { customerName, successRate: 80, summary: 'fleet', description: 'e2e', ...contact });
    expect(created.status).toBe(201);
    expect((await api.call('supervisor', 'POST', `/opportunities/${created.body.id}/assign`, { assigneeId: ids.manager1 })).status).toBe(200);
    const decided = await api.call('manager1', 'POST', `/opportunities/${created.body.id}/succeed`);
    expect(decided.status).toBe(200);
    return created.body.id;
  }

  beforeAll(async () => {
    const exchangeArguments = eventsExchangeArguments({ service: 'marketing', exchange });
    customerEvents = await TestSubscriber.bind({ exchange, pattern: 'customer.#', exchangeArguments });
    succeededEvents = await TestSubscriber.bind({ exchange, pattern: 'marketing.opportunity.succeeded.v1', exchangeArguments });
    system = await startCrm({
      amqpUrl: testAmqpUrl(),
      exchange,
      env: { RATE_LIMIT_MAX: '10000' },
      serviceEnvOf: { customer: { DB_DRIVER: 'postgresql', DB_URL: pgUrl, DB_SCHEMA: schema } },
      replicas: { customer: 2 },
    });
    api = new ApiClient(system);
    for (const login of ['supervisor', 'manager1'] as const) ids[login] = (await api.call(login, 'GET', '/me')).body.id;
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
    await customerEvents?.close();
    await succeededEvents?.close();
    await run('psql', [pgUrl, '-q', '-c', `drop schema if exists "${schema}" cascade`]).catch(() => undefined);
  });

  it('creates the customer with the opportunity’s name, the assignee as manager and a first contact', async () => {
    const name = uniqueName('西部重工');
    const opportunityId = await succeededOpportunity(name, { contact: '李工', contactPhone: '138 0000 0000' });
    await waitUntil(async () => (await customersNamed(name)).total === 1, 5_000, () => `no customer named ${name}`);
    const customer = (await customersNamed(name)).items[0];
    expect(customer).toMatchObject({
      name,
      manager: { id: ids.manager1 },
      status: 'normal',
      sourceOpportunityId: opportunityId,
      complete: false,
      region: null,
      level: null,
      version: 1,
    });
    expect(customer.customerNo).toMatch(/^KH\d{8}\d{4,}$/);
    const contacts = await api.call('manager1', 'GET', `/customers/${customer.id}/contacts`);
    expect(contacts.body.items).toEqual([expect.objectContaining({ name: '李工', officePhone: '138 0000 0000', gender: null })]);
    await waitUntil(() => createdEventsOf(opportunityId).length === 1);
    expect(createdEventsOf(opportunityId)[0].body).toMatchObject({
      source: 'crm/customer',
      data: { customerId: customer.id, customerNo: customer.customerNo, version: 1, manager: { id: ids.manager1 }, status: 'normal' },
    });
  });

  it('creates no contact when the opportunity named none', async () => {
    const name = uniqueName('无联系人');
    await succeededOpportunity(name);
    await waitUntil(async () => (await customersNamed(name)).total === 1, 5_000);
    const customer = (await customersNamed(name)).items[0];
    expect((await api.call('manager1', 'GET', `/customers/${customer.id}/contacts`)).body.total).toBe(0);
  });

  it('ignores the same event delivered again, and even a copy with a new id (the opportunity is the key)', async () => {
    const name = uniqueName('重复投递');
    const opportunityId = await succeededOpportunity(name, { contact: '赵工' });
    await waitUntil(async () => (await customersNamed(name)).total === 1, 5_000);
    await waitUntil(() => succeededEvents.messages.some((m) => (m.body.data as { opportunityId: string }).opportunityId === opportunityId));
    const original = succeededEvents.messages.find((m) => (m.body.data as { opportunityId: string }).opportunityId === opportunityId)!;

    // Redelivered as the broker would after a lost ack (same id, to whichever replica), and
    // replayed with a fresh id as an operator might after the inbox marks were purged.
    for (const id of [original.body.id as string, original.body.id as string, undefined]) {
      await publishCloudEvent(exchange, 'marketing.opportunity.succeeded.v1', original.body.data as object, { id, source: 'crm/marketing' });
    }
    const marker = uniqueName('之后');
    await succeededOpportunity(marker); // processed after the copies by the same queue
    await waitUntil(async () => (await customersNamed(marker)).total === 1, 5_000);
    await new Promise((resolve) => setTimeout(resolve, 500));

    expect((await customersNamed(name)).total).toBe(1);
    const customer = (await customersNamed(name)).items[0];
    expect((await api.call('manager1', 'GET', `/customers/${customer.id}/contacts`)).body.total).toBe(1);
    expect(createdEventsOf(opportunityId)).toHaveLength(1);
  });

  it('gives every customer of a burst its own number while two replicas consume', async () => {
    const names = Array.from({ length: 12 }, (_, index) => uniqueName(`并发客户${index}`));
    await Promise.all(names.map((name) => succeededOpportunity(name)));
    await waitUntil(async () => (await Promise.all(names.map(customersNamed))).every((page) => page.total === 1), 10_000, () => 'not every customer appeared');
    const numbers = (await Promise.all(names.map(customersNamed))).map((page) => page.items[0].customerNo);
    expect(new Set(numbers).size).toBe(names.length);
    // Both replicas took part (each one's /metrics counts the events it applied).
    for (const replica of system.replicas.customer) {
      expect(await appliedSucceededEvents(replica.url)).toBeGreaterThan(0);
    }
  });
});
