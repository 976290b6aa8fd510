import { eventsExchangeArguments } from '@crm/messaging';
import { TestSubscriber, testAmqpUrl, uniqueName, waitUntil } from '@crm/testing';
import { ApiClient, RunningSystem, startCrm } from './support/crm-system';

/**
 * Sales opportunities (requirements §1.1) through the whole HTTP path: gateway → marketing, with
 * real tokens from the development identity provider, and the events an external system sees.
 */
describe('sales opportunities end to end', () => {
  const exchange = uniqueName('crm.events.e2e');
  let system: RunningSystem;
  let api: ApiClient;
  let subscriber: TestSubscriber;
  const ids: Record<string, string> = {};

  const valid = (overrides: Record<string, unknown> = {}) => ({
    source: 'Trade fair',
    customerName: '华东机械有限公司',
    successRate: 60,
    summary: 'Forklift fleet renewal',
    contact: '王经理',
    contactPhone: '+86 21 5555 0101',
    description: 'Wants 12 electric forklifts before Q2.',
    ...overrides,
  });
  const eventsFor = (type: string, opportunityId: string) =>
    subscriber.messages.filter((m) => m.routingKey === type && (m.body.data as { opportunityId: string }).opportunityId === opportunityId);

  beforeAll(async () => {
    // Bind before the system starts, as an external subscriber would: nothing may be missed.
    subscriber = await TestSubscriber.bind({
      exchange,
      pattern: 'marketing.#',
      exchangeArguments: eventsExchangeArguments({ service: 'marketing', exchange }),
    });
    system = await startCrm({ amqpUrl: testAmqpUrl(), exchange, env: { RATE_LIMIT_MAX: '10000' } });
    api = new ApiClient(system);
    for (const login of ['supervisor', 'manager1', 'manager2', 'executive'] as const) {
      ids[login] = (await api.call(login, 'GET', '/me')).body.id;
    }
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
    await subscriber?.close();
  });

  describe('authentication and roles', () => {
    it('answers 401 problem+json without a token, and with a token it cannot verify', async () => {
      const missing = await api.call(null, 'GET', '/opportunities');
      expect(missing.status).toBe(401);
      expect(missing.headers.get('content-type')).toContain('application/problem+json');
      expect(missing.body).toMatchObject({ status: 401, code: 'AUTH.TOKEN_MISSING' });
      const forged = await api.call(null, 'GET', '/opportunities', undefined, { authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln' });
      expect(forged.status).toBe(401);
      expect(forged.body.code).toBe('AUTH.TOKEN_INVALID');
    });

    it('answers 403 to a role that may not use opportunities', async () => {
      const response = await api.call('executive', 'GET', '/opportunities');
      expect(response.status).toBe(403);
      expect(response.body.code).toBe('AUTH.FORBIDDEN');
    });

    it('lets the service verify tokens itself, not only the gateway', async () => {
      const direct = await fetch(`${system.services.marketing.url}/api/v1/opportunities`);
      expect(direct.status).toBe(401);
      const withToken = await fetch(`${system.services.marketing.url}/api/v1/opportunities`, {
        headers: { authorization: `Bearer ${await api.token('supervisor')}` },
      });
      expect(withToken.status).toBe(200);
    });
  });

  describe('create', () => {
    it('creates an unassigned opportunity owned by the caller and publishes one created event', async () => {
      const created = await api.call('manager1', 'POST', '/opportunities', valid());
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        ...valid(),
        status: 'unassigned',
        createdBy: { id: ids.manager1, name: expect.any(String) },
        assignee: null,
        assignedAt: null,
      });
      expect(Date.parse(created.body.createdAt)).toBeGreaterThan(Date.now() - 60_000);
      await waitUntil(() => eventsFor('marketing.opportunity.created.v1', created.body.id).length > 0);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const events = eventsFor('marketing.opportunity.created.v1', created.body.id);
      expect(events).toHaveLength(1);
      expect(events[0].body).toMatchObject({
        specversion: '1.0',
        source: 'crm/marketing',
        type: 'marketing.opportunity.created.v1',
        datacontenttype: 'application/json',
        data: { opportunityId: created.body.id, customerName: valid().customerName, status: 'unassigned' },
      });
      expect(events[0].properties.headers?.traceparent).toMatch(/^00-/);
    });

    it('rejects invalid input field by field with 400, and unknown properties', async () => {
      const response = await api.call('manager1', 'POST', '/opportunities', {
        customerName: '  ',
        successRate: 101,
        description: 'x'.repeat(2001),
        status: 'assigned',
      });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('VALIDATION.FAILED');
      const fields = new Set(response.body.errors.map((e: { field: string }) => e.field));
      expect(fields).toEqual(new Set(['customerName', 'successRate', 'summary', 'description', 'status']));
    });

    it('answers malformed JSON with a 400 problem, not a 500', async () => {
      const response = await api.call('manager1', 'POST', '/opportunities', '{"customerName": ');
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    });

    it('refuses control characters and absurd nesting field by field, at the gateway and at the service (was a 500)', async () => {
      const nul = await api.call('supervisor', 'POST', '/opportunities', valid({ customerName: 'ACME\u0000; drop' }));
      expect(nul.status).toBe(400);
      expect(nul.body).toMatchObject({ code: 'VALIDATION.FAILED', errors: [{ field: 'customerName', message: 'must not contain control characters' }] });
      const query = await api.call('supervisor', 'GET', '/opportunities?customerName=%00');
      expect(query.status).toBe(400);
      expect(query.body.errors).toEqual([{ field: 'customerName', message: 'must not contain control characters' }]);
      const deep = await api.call('supervisor', 'POST', '/opportunities', '['.repeat(5000) + ']'.repeat(5000));
      expect(deep.status).toBe(400);
      expect(deep.body.code).toBe('VALIDATION.FAILED');
      // The service guards its own edge too (never trust the network).
      const direct = await fetch(`${system.services.marketing.url}/api/v1/opportunities`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await api.token('supervisor')}`, 'content-type': 'application/json' },
        body: JSON.stringify(valid({ summary: 'bell\u0007' })),
      });
      expect(direct.status).toBe(400);
      expect(((await direct.json()) as { errors: unknown }).errors).toEqual([{ field: 'summary', message: 'must not contain control characters' }]);
    });
  });

  describe('list and get', () => {
    it('filters by customer name, summary, contact and status, newest first, paged', async () => {
      const tag = uniqueName('list');
      for (let i = 0; i < 3; i++) {
        await api.call('supervisor', 'POST', '/opportunities', valid({ customerName: `${tag} customer ${i}`, contact: `C${i}` }));
      }
      const page1 = await api.call('manager2', 'GET', `/opportunities?customerName=${encodeURIComponent(tag)}&pageSize=2`);
      expect(page1.status).toBe(200);
      expect(page1.body).toMatchObject({ total: 3, page: 1, pageSize: 2 });
      expect(page1.body.items.map((o: { customerName: string }) => o.customerName)).toEqual([`${tag} customer 2`, `${tag} customer 1`]);
      const page2 = await api.call('manager2', 'GET', `/opportunities?customerName=${encodeURIComponent(tag)}&pageSize=2&page=2`);
      expect(page2.body.items.map((o: { customerName: string }) => o.customerName)).toEqual([`${tag} customer 0`]);
      const byContact = await api.call('supervisor', 'GET', `/opportunities?customerName=${encodeURIComponent(tag)}&contact=C1`);
      expect(byContact.body.total).toBe(1);
      const assigned = await api.call('supervisor', 'GET', `/opportunities?customerName=${encodeURIComponent(tag)}&status=assigned`);
      expect(assigned.body.total).toBe(0);
    });

    it('shows a manager the pool, what they created and what is theirs — each once, newest first — and nothing else', async () => {
      const tag = uniqueName('view');
      const create = async (login: 'supervisor' | 'manager2', name: string, assignTo?: string) => {
        const { body } = await api.call(login, 'POST', '/opportunities', valid({ customerName: `${tag} ${name}` }));
        if (assignTo) expect((await api.call('supervisor', 'POST', `/opportunities/${body.id}/assign`, { assigneeId: assignTo })).status).toBe(200);
        return body.id as string;
      };
      const pool = await create('supervisor', 'pool');
      const createdByMe = await create('manager2', 'created', ids.manager1);
      const others = await create('supervisor', 'others', ids.manager1);
      const mine = await create('supervisor', 'mine', ids.manager2);
      const createdAndMine = await create('manager2', 'both', ids.manager2);
      const list = async (login: 'manager1' | 'manager2', query = '') =>
        (await api.call(login, 'GET', `/opportunities?pageSize=2&customerName=${encodeURIComponent(tag)}${query}`)).body;
      const page1 = await list('manager2');
      const page2 = await list('manager2', '&page=2');
      const page3 = await list('manager2', '&page=3');
      expect(page1.total).toBe(4);
      expect([...page1.items, ...page2.items, ...page3.items].map((o: { id: string }) => o.id)).toEqual([createdAndMine, mine, createdByMe, pool]);
      const manager1 = (await api.call('manager1', 'GET', `/opportunities?customerName=${encodeURIComponent(tag)}`)).body;
      expect(manager1.items.map((o: { id: string }) => o.id)).toEqual([others, createdByMe, pool]);
      expect(manager1.total).toBe(3);
      expect((await list('manager2', '&status=assigned')).total).toBe(3);
    });

    it('treats % and _ in search text literally', async () => {
      const response = await api.call('supervisor', 'GET', '/opportunities?customerName=%25%25');
      expect(response.status).toBe(200);
      expect(response.body.total).toBe(0);
    });

    it('rejects a page size over 100 and an unknown status', async () => {
      expect((await api.call('supervisor', 'GET', '/opportunities?pageSize=101')).status).toBe(400);
      expect((await api.call('supervisor', 'GET', '/opportunities?status=won')).status).toBe(400);
    });

    it('answers 404 for an unknown id', async () => {
      const response = await api.call('supervisor', 'GET', '/opportunities/does-not-exist');
      expect(response.status).toBe(404);
      expect(response.body.code).toBe('OPPORTUNITY.NOT_FOUND');
    });
  });

  describe('edit and delete', () => {
    it('lets the creator edit only the §1.1 fields while unassigned', async () => {
      const { body: created } = await api.call('manager1', 'POST', '/opportunities', valid());
      const edited = await api.call('manager1', 'PATCH', `/opportunities/${created.id}`, { successRate: 80, contact: null });
      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({ successRate: 80, contact: null, customerName: valid().customerName });
      const sneaky = await api.call('manager1', 'PATCH', `/opportunities/${created.id}`, { status: 'succeeded', createdBy: { id: 'x' } });
      expect(sneaky.status).toBe(400);
      const emptied = await api.call('manager1', 'PATCH', `/opportunities/${created.id}`, { customerName: '' });
      expect(emptied.status).toBe(400);
      expect(emptied.body.errors[0].field).toBe('customerName');
      const nulled = await api.call('manager1', 'PATCH', `/opportunities/${created.id}`, { customerName: null, successRate: null });
      expect(nulled.status).toBe(400);
      expect(new Set(nulled.body.errors.map((e: { field: string }) => e.field))).toEqual(new Set(['customerName', 'successRate']));
      expect((await api.call('manager1', 'GET', `/opportunities/${created.id}`)).body.customerName).toBe(valid().customerName);
    });

    it('forbids another manager to edit or delete it (403), and only the creator deletes (204 then 404)', async () => {
      const { body: created } = await api.call('manager1', 'POST', '/opportunities', valid());
      const edit = await api.call('manager2', 'PATCH', `/opportunities/${created.id}`, { successRate: 10 });
      expect(edit.status).toBe(403);
      expect(edit.body.code).toBe('OPPORTUNITY.NOT_OWNER');
      const deleteBySupervisor = await api.call('supervisor', 'DELETE', `/opportunities/${created.id}`);
      expect(deleteBySupervisor.status).toBe(403);
      expect(deleteBySupervisor.body.code).toBe('OPPORTUNITY.NOT_CREATOR');
      const deleted = await api.call('manager1', 'DELETE', `/opportunities/${created.id}`);
      expect(deleted.status).toBe(204);
      expect((await api.call('manager1', 'GET', `/opportunities/${created.id}`)).status).toBe(404);
    });
  });

  describe('assign', () => {
    it('lets only a supervisor assign, to an active manager, and publishes one assigned event', async () => {
      const { body: created } = await api.call('manager1', 'POST', '/opportunities', valid());
      const byManager = await api.call('manager1', 'POST', `/opportunities/${created.id}/assign`, { assigneeId: ids.manager2 });
      expect(byManager.status).toBe(403);

      const toExecutive = await api.call('supervisor', 'POST', `/opportunities/${created.id}/assign`, { assigneeId: ids.executive });
      expect(toExecutive.status).toBe(400);
      expect(toExecutive.body).toMatchObject({ code: 'OPPORTUNITY.ASSIGNEE_NOT_ACTIVE_MANAGER', errors: [{ field: 'assigneeId' }] });
      const users = await api.call('supervisor', 'GET', '/users?role=manager');
      expect(users.body.items.map((u: { username: string }) => u.username).sort()).toEqual(['manager1', 'manager2']);

      const before = Date.now();
      const assigned = await api.call('supervisor', 'POST', `/opportunities/${created.id}/assign`, { assigneeId: ids.manager2 });
      expect(assigned.status).toBe(200);
      expect(assigned.body).toMatchObject({ status: 'assigned', assignee: { id: ids.manager2 } });
      expect(Date.parse(assigned.body.assignedAt)).toBeGreaterThanOrEqual(before - 1000);

      await waitUntil(() => eventsFor('marketing.opportunity.assigned.v1', created.id).length > 0);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const [event, ...more] = eventsFor('marketing.opportunity.assigned.v1', created.id);
      expect(more).toHaveLength(0);
      expect(event.body.data).toMatchObject({ assignee: { id: ids.manager2 }, assignedBy: { id: ids.supervisor }, previousAssignee: null, status: 'assigned' });
    });

    it('refuses to edit or delete an assigned opportunity (409) and allows reassignment', async () => {
      const { body: created } = await api.call('manager1', 'POST', '/opportunities', valid());
      await api.call('supervisor', 'POST', `/opportunities/${created.id}/assign`, { assigneeId: ids.manager2 });
      const edit = await api.call('manager1', 'PATCH', `/opportunities/${created.id}`, { successRate: 5 });
      expect(edit.status).toBe(409);
      expect(edit.body.code).toBe('OPPORTUNITY.NOT_UNASSIGNED');
      const remove = await api.call('manager1', 'DELETE', `/opportunities/${created.id}`);
      expect(remove.status).toBe(409);
      const reassigned = await api.call('supervisor', 'POST', `/opportunities/${created.id}/assign`, { assigneeId: ids.manager1 });
      expect(reassigned.status).toBe(200);
      expect(reassigned.body.assignee.id).toBe(ids.manager1);
      await waitUntil(() => eventsFor('marketing.opportunity.assigned.v1', created.id).length === 2);
      const assignments = eventsFor('marketing.opportunity.assigned.v1', created.id).map((event) => event.body.data as { version: number });
      expect(assignments[1]).toMatchObject({ previousAssignee: { id: ids.manager2 } });
      // Each event carries the version its change committed (created 1, assigned 2, reassigned 3;
      // the refused edit changed nothing), so a consumer can ignore an older one arriving late.
      expect(eventsFor('marketing.opportunity.created.v1', created.id)[0].body.data).toMatchObject({ version: 1 });
      expect(assignments.map((data) => data.version).sort()).toEqual([2, 3]);
    });

    it('hides an opportunity from a manager who neither created nor holds it (404)', async () => {
      const { body: created } = await api.call('supervisor', 'POST', '/opportunities', valid());
      await api.call('supervisor', 'POST', `/opportunities/${created.id}/assign`, { assigneeId: ids.manager2 });
      expect((await api.call('manager1', 'GET', `/opportunities/${created.id}`)).status).toBe(404);
      expect((await api.call('manager2', 'GET', `/opportunities/${created.id}`)).status).toBe(200);
    });

    it('lets only the assignee mark it succeeded, after which it cannot be reassigned', async () => {
      const { body: created } = await api.call('supervisor', 'POST', '/opportunities', valid());
      await api.call('supervisor', 'POST', `/opportunities/${created.id}/assign`, { assigneeId: ids.manager2 });
      expect((await api.call('supervisor', 'POST', `/opportunities/${created.id}/succeed`)).status).toBe(403);
      const succeeded = await api.call('manager2', 'POST', `/opportunities/${created.id}/succeed`);
      expect(succeeded.status).toBe(200);
      expect(succeeded.body.status).toBe('succeeded');
      const reassign = await api.call('supervisor', 'POST', `/opportunities/${created.id}/assign`, { assigneeId: ids.manager1 });
      expect(reassign.status).toBe(409);
      expect(reassign.body.code).toBe('OPPORTUNITY.FINISHED');
      await waitUntil(() => eventsFor('marketing.opportunity.succeeded.v1', created.id).length === 1);
    });
  });

  describe('users directory, documentation and health', () => {
    it('tells the caller who they are', async () => {
      const me = await api.call('manager1', 'GET', '/me');
      expect(me.body).toMatchObject({ id: ids.manager1, username: 'manager1', roles: ['manager'] });
    });

    it('serves the whole API as OpenAPI at /api/docs-json and its UI at /api/docs', async () => {
      const json = await fetch(`${system.urls.gateway}/api/docs-json`);
      expect(json.status).toBe(200);
      const document = (await json.json()) as { paths: Record<string, unknown> };
      expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/api/v1/opportunities', '/api/v1/opportunities/{id}/assign', '/api/v1/users', '/api/v1/me']));
      const ui = await fetch(`${system.urls.gateway}/api/docs`);
      expect(ui.status).toBe(200);
      expect(await ui.text()).toContain('swagger');
    });

    it('lets the web console origin call the API from a browser (CORS), and no other origin', async () => {
      const preflight = (origin: string) =>
        fetch(`${system.urls.api}/opportunities`, {
          method: 'OPTIONS',
          headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
        });
      const allowed = await preflight('http://localhost:5173');
      expect(allowed.status).toBeLessThan(300);
      expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
      expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
      expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
    });

    it('reports liveness and readiness without a token', async () => {
      for (const url of [system.urls.gateway, system.services.marketing.url]) {
        expect((await fetch(`${url}/health/live`)).status).toBe(200);
        expect((await fetch(`${url}/health/ready`)).status).toBe(200);
      }
    });
  });
});
