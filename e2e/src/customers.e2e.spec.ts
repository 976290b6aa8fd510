import { eventsExchangeArguments } from '@crm/messaging';
import { TestSubscriber, testAmqpUrl, uniqueName, waitUntil } from '@crm/testing';
import { ApiClient, Login, RunningSystem, startCrm } from './support/crm-system';
import { completeCustomer } from './support/customer-fixture';

/**
 * Customers, contacts and interaction records (requirements §2.1–2.3) through the gateway with
 * real tokens: who may read and change what, the required fields, optimistic concurrency over
 * HTTP (ETag / If-Match), filters, soft delete, and the events other services keep copies from.
 */
describe('customers end to end', () => {
  const exchange = uniqueName('crm.events.e2e-cust');
  let system: RunningSystem;
  let api: ApiClient;
  let subscriber: TestSubscriber;
  const ids: Record<string, string> = {};

  const complete = completeCustomer;
  const create = async (login: Login, overrides: Record<string, unknown> = {}) => {
    const response = await api.call(login, 'POST', '/customers', complete(overrides));
    expect(response.status).toBe(201);
    return response.body;
  };
  const contact = { name: '李工', gender: 'male', position: '采购经理', officePhone: '021-6666 0001' };
  const activity = { date: '2026-11-20', place: '上海', summary: '拜访', details: '讨论叉车更新计划' };

  beforeAll(async () => {
    subscriber = await TestSubscriber.bind({ exchange, pattern: 'customer.#', exchangeArguments: eventsExchangeArguments({ service: 'customer', exchange }) });
    system = await startCrm({ amqpUrl: testAmqpUrl(), exchange, env: { RATE_LIMIT_MAX: '10000' } });
    api = new ApiClient(system);
    for (const login of ['admin', 'supervisor', 'manager1', 'manager2', 'executive'] as const) {
      ids[login] = (await api.call(login, 'GET', '/me')).body.id;
    }
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
    await subscriber?.close();
  });

  describe('create and read', () => {
    it('lets a manager create a complete customer of their own, numbered KH + date + sequence, with an ETag and an event', async () => {
      const response = await api.call('manager1', 'POST', '/customers', complete({ name: uniqueName('南方电气') }));
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({ manager: { id: ids.manager1 }, status: 'normal', complete: true, version: 1, sourceOpportunityId: null });
      expect(response.body.customerNo).toMatch(/^KH\d{12,}$/);
      expect(response.headers.get('etag')).toBe('"1"');
      expect(response.headers.get('location')).toBe(`/api/v1/customers/${response.body.id}`);
      await waitUntil(() => subscriber.messages.some((m) => (m.body.data as { customerId: string }).customerId === response.body.id));
      const event = subscriber.messages.find((m) => (m.body.data as { customerId: string }).customerId === response.body.id)!;
      expect(event.routingKey).toBe('customer.customer.created.v1');
      expect(event.body.data).toMatchObject({ customerNo: response.body.customerNo, level: '大客户', credit: 5, satisfaction: 4, region: '华东', version: 1 });
    });

    it('lets every role read customers, contacts and interaction records', async () => {
      const customer = await create('manager1');
      for (const login of ['admin', 'supervisor', 'manager1', 'manager2', 'executive'] as const) {
        expect((await api.call(login, 'GET', `/customers/${customer.id}`)).status).toBe(200);
        expect((await api.call(login, 'GET', '/customers?pageSize=5')).status).toBe(200);
        expect((await api.call(login, 'GET', `/customers/${customer.id}/contacts`)).status).toBe(200);
        expect((await api.call(login, 'GET', `/customers/${customer.id}/activities`)).status).toBe(200);
      }
      expect((await api.call('manager1', 'GET', '/customers/no-such-id')).status).toBe(404);
      expect((await api.call('manager1', 'GET', '/customers/no-such-id/contacts')).status).toBe(404);
    });

    it('requires every * field when created by hand, field by field, and validates select fields against the dictionary', async () => {
      const missing = await api.call('manager1', 'POST', '/customers', { name: 'X' });
      expect(missing.status).toBe(400);
      const fields = new Set(missing.body.errors.map((e: { field: string }) => e.field));
      for (const field of ['region', 'level', 'satisfaction', 'credit', 'address', 'zip', 'phone', 'legalPerson', 'bank', 'bankAccount', 'localTaxNo', 'nationalTaxNo']) {
        expect(fields).toContain(field);
      }
      const badOptions = await api.call('manager1', 'POST', '/customers', complete({ region: '火星', level: 'VIP' }));
      expect(badOptions.status).toBe(400);
      expect(badOptions.body.code).toBe('DICTIONARY.INVALID_OPTION');
      expect(badOptions.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['level', 'region']);
    });

    it('lets a supervisor create for an active manager only; a manager cannot create for someone else', async () => {
      expect((await api.call('supervisor', 'POST', '/customers', complete())).status).toBe(400);
      const forManager2 = await api.call('supervisor', 'POST', '/customers', complete({ managerId: ids.manager2 }));
      expect(forManager2.status).toBe(201);
      expect(forManager2.body.manager.id).toBe(ids.manager2);
      const notAManager = await api.call('supervisor', 'POST', '/customers', complete({ managerId: ids.executive }));
      expect(notAManager.status).toBe(400);
      expect(notAManager.body.errors[0].field).toBe('managerId');
      expect((await api.call('manager1', 'POST', '/customers', complete({ managerId: ids.manager2 }))).status).toBe(403);
      expect((await api.call('executive', 'POST', '/customers', complete())).status).toBe(403);
    });
  });

  describe('who may change what (role × endpoint × ownership)', () => {
    let mine: { id: string };
    beforeAll(async () => {
      mine = await create('manager1');
    });

    const writes = (customerId: string, contactId: string, activityId: string) => [
      ['PATCH', `/customers/${customerId}`, { phone: '021-1234 5678' }],
      ['POST', `/customers/${customerId}/contacts`, contact],
      ['PATCH', `/customers/${customerId}/contacts/${contactId}`, { memo: 'x' }],
      ['DELETE', `/customers/${customerId}/contacts/${contactId}`, undefined],
      ['POST', `/customers/${customerId}/activities`, activity],
      ['PATCH', `/customers/${customerId}/activities/${activityId}`, { memo: 'x' }],
      ['DELETE', `/customers/${customerId}/activities/${activityId}`, undefined],
    ] as const;

    it('refuses another manager, an executive and an admin with 403 on every write, and changes nothing', async () => {
      const c = (await api.call('manager1', 'POST', `/customers/${mine.id}/contacts`, contact)).body;
      const a = (await api.call('manager1', 'POST', `/customers/${mine.id}/activities`, activity)).body;
      for (const login of ['manager2', 'executive', 'admin'] as const) {
        for (const [method, path, body] of writes(mine.id, c.id, a.id)) {
          const response = await api.call(login, method, path, body);
          expect({ login, method, path, status: response.status }).toEqual({ login, method, path, status: 403 });
        }
      }
      expect((await api.call('manager1', 'GET', `/customers/${mine.id}`)).body.version).toBe(1);
      expect((await api.call('manager1', 'GET', `/customers/${mine.id}/contacts`)).body.items).toEqual([expect.objectContaining({ id: c.id, memo: null })]);
    });

    it('lets its manager and a supervisor make every write', async () => {
      for (const login of ['manager1', 'supervisor'] as const) {
        const c = (await api.call(login, 'POST', `/customers/${mine.id}/contacts`, contact)).body;
        const a = (await api.call(login, 'POST', `/customers/${mine.id}/activities`, activity)).body;
        for (const [method, path, body] of writes(mine.id, c.id, a.id)) {
          const response = await api.call(login, method, path, body);
          expect({ login, method, path, ok: response.status < 300 }).toEqual({ login, method, path, ok: true });
        }
      }
    });

    it('lets only a supervisor hand a customer to another manager or delete it', async () => {
      const customer = await create('manager1');
      const byManager = await api.call('manager1', 'PATCH', `/customers/${customer.id}`, { managerId: ids.manager2 });
      expect(byManager.status).toBe(403);
      const bySupervisor = await api.call('supervisor', 'PATCH', `/customers/${customer.id}`, { managerId: ids.manager2 });
      expect(bySupervisor.status).toBe(200);
      expect(bySupervisor.body.manager.id).toBe(ids.manager2);
      expect((await api.call('manager1', 'PATCH', `/customers/${customer.id}`, { phone: '021-0000 0000' })).status).toBe(403);
      expect((await api.call('manager2', 'PATCH', `/customers/${customer.id}`, { phone: '021-0000 0000' })).status).toBe(200);
      expect((await api.call('manager2', 'DELETE', `/customers/${customer.id}`)).status).toBe(403);
    });
  });

  describe('edit', () => {
    it('completes a customer only with every * field, and says which are missing', async () => {
      const customer = await create('manager1');
      const cleared = await api.call('manager1', 'PATCH', `/customers/${customer.id}`, { region: null, bank: '' });
      expect(cleared.status).toBe(400);
      expect(new Set(cleared.body.errors.map((e: { field: string }) => e.field))).toEqual(new Set(['region', 'bank']));
      const unknown = await api.call('manager1', 'PATCH', `/customers/${customer.id}`, { customerNo: 'KH1', status: 'churned' });
      expect(unknown.status).toBe(400);
      expect(new Set(unknown.body.errors.map((e: { field: string }) => e.field))).toEqual(new Set(['customerNo', 'status']));
    });

    it('publishes the whole snapshot with the changed fields, and nothing for an edit that changes nothing', async () => {
      const customer = await create('manager1');
      const edited = await api.call('manager1', 'PATCH', `/customers/${customer.id}`, { credit: 2, level: '合作伙伴' });
      expect(edited.body).toMatchObject({ credit: 2, level: '合作伙伴', version: 2 });
      const same = await api.call('manager1', 'PATCH', `/customers/${customer.id}`, { credit: 2 });
      expect(same.body.version).toBe(2);
      await waitUntil(() => subscriber.messages.some((m) => m.routingKey === 'customer.customer.updated.v1' && (m.body.data as { customerId: string }).customerId === customer.id));
      await new Promise((resolve) => setTimeout(resolve, 300));
      const updates = subscriber.messages.filter((m) => m.routingKey === 'customer.customer.updated.v1' && (m.body.data as { customerId: string }).customerId === customer.id);
      expect(updates).toHaveLength(1);
      expect(updates[0].body.data).toMatchObject({ version: 2, credit: 2, level: '合作伙伴', changedFields: ['level', 'credit'], changedBy: { id: ids.manager1 } });
    });

    it('answers a stale If-Match with 412 and a current one with the new ETag; a malformed one is a 400', async () => {
      const customer = await create('manager1');
      const read = await api.call('manager2', 'GET', `/customers/${customer.id}`);
      const etag = read.headers.get('etag')!;
      const first = await api.call('manager1', 'PATCH', `/customers/${customer.id}`, { phone: '021-1111 1111' }, { 'if-match': etag });
      expect(first.status).toBe(200);
      expect(first.headers.get('etag')).toBe('"2"');
      const stale = await api.call('supervisor', 'PATCH', `/customers/${customer.id}`, { phone: '021-2222 2222' }, { 'if-match': etag });
      expect(stale.status).toBe(412);
      expect(stale.body.code).toBe('CUSTOMER.VERSION_MISMATCH');
      expect((await api.call('manager1', 'GET', `/customers/${customer.id}`)).body.phone).toBe('021-1111 1111');
      expect((await api.call('manager1', 'PATCH', `/customers/${customer.id}`, { phone: '021-3333 3333' }, { 'if-match': 'yesterday' })).status).toBe(400);
    });

    it('never lets two concurrent edits of one version both win', async () => {
      const customer = await create('manager1');
      const results = await Promise.all(
        ['021-4444 0001', '021-4444 0002', '021-4444 0003', '021-4444 0004'].map((phone) =>
          api.call('manager1', 'PATCH', `/customers/${customer.id}`, { phone }, { 'if-match': '"1"' }),
        ),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.every((s) => s === 200 || s === 409 || s === 412)).toBe(true);
      expect((await api.call('manager1', 'GET', `/customers/${customer.id}`)).body.version).toBe(2);
    });

    it('never reuses a customer number when many are created at once', async () => {
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, index) => api.call(index % 2 ? 'manager1' : 'manager2', 'POST', '/customers', complete())),
      );
      expect(results.map((r) => r.status)).toEqual(results.map(() => 201));
      const numbers = results.map((r) => r.body.customerNo as string);
      expect(new Set(numbers).size).toBe(numbers.length);
    });
  });

  describe('soft delete', () => {
    it('hides a deleted customer from lists unless asked for, and freezes it and its contacts', async () => {
      const customer = await create('manager1', { name: uniqueName('将删除') });
      const deleted = await api.call('supervisor', 'DELETE', `/customers/${customer.id}`);
      expect(deleted.status).toBe(200);
      expect(deleted.body.status).toBe('deleted');
      expect((await api.call('manager1', 'GET', `/customers?name=${encodeURIComponent(customer.name)}`)).body.total).toBe(0);
      const asked = await api.call('manager1', 'GET', `/customers?status=deleted&name=${encodeURIComponent(customer.name)}`);
      expect(asked.body.items.map((c: { id: string }) => c.id)).toEqual([customer.id]);
      expect((await api.call('manager1', 'GET', `/customers/${customer.id}`)).body.status).toBe('deleted');
      const edit = await api.call('manager1', 'PATCH', `/customers/${customer.id}`, { phone: '021-0000 0001' });
      expect(edit.status).toBe(409);
      expect(edit.body.code).toBe('CUSTOMER.NOT_NORMAL');
      expect((await api.call('supervisor', 'POST', `/customers/${customer.id}/contacts`, contact)).status).toBe(409);
      expect((await api.call('supervisor', 'DELETE', `/customers/${customer.id}`)).status).toBe(409);
    });
  });

  describe('list', () => {
    it('filters by number, name, region, level, manager and status, newest first, with paging', async () => {
      const tag = uniqueName('筛选');
      const a = await create('manager1', { name: `${tag}-甲`, region: '华南', level: '普通客户' });
      const b = await create('manager2', { name: `${tag}-乙`, region: '华南', level: '合作伙伴' });
      const c = await create('manager1', { name: `${tag}-丙`, region: '西北', level: '合作伙伴' });
      const list = async (query: string) =>
        (await api.call('executive', 'GET', `/customers?name=${encodeURIComponent(tag)}&${query}`)).body.items.map((x: { id: string }) => x.id);
      expect(await list('')).toEqual([c.id, b.id, a.id]);
      expect(await list(`region=${encodeURIComponent('华南')}`)).toEqual([b.id, a.id]);
      expect(await list(`level=${encodeURIComponent('合作伙伴')}`)).toEqual([c.id, b.id]);
      expect(await list(`managerId=${ids.manager1}`)).toEqual([c.id, a.id]);
      expect(await list(`customerNo=${a.customerNo}`)).toEqual([a.id]);
      expect(await list(`customerNo=${a.customerNo.slice(0, 10).toLowerCase()}`)).toEqual([c.id, b.id, a.id]);
      expect(await list('status=churned')).toEqual([]);
      const paged = await api.call('executive', 'GET', `/customers?name=${encodeURIComponent(tag)}&page=2&pageSize=2`);
      expect(paged.body).toMatchObject({ total: 3, page: 2, pageSize: 2 });
      expect(paged.body.items.map((x: { id: string }) => x.id)).toEqual([a.id]);
    });

    it('refuses bad filters field by field', async () => {
      const response = await api.call('manager1', 'GET', '/customers?pageSize=101&status=gone&customerNo=KH%25');
      expect(response.status).toBe(400);
      expect(new Set(response.body.errors.map((e: { field: string }) => e.field))).toEqual(new Set(['pageSize', 'status', 'customerNo']));
    });
  });

  describe('contacts and interaction records', () => {
    it('keeps a customer’s contacts: required fields, edit, delete, and 404 across customers', async () => {
      const customer = await create('manager1');
      const other = await create('manager1');
      const invalid = await api.call('manager1', 'POST', `/customers/${customer.id}/contacts`, { name: ' ', gender: 'x', officePhone: 'call me' });
      expect(invalid.status).toBe(400);
      expect(new Set(invalid.body.errors.map((e: { field: string }) => e.field))).toEqual(new Set(['name', 'gender', 'position', 'officePhone']));
      const added = await api.call('manager1', 'POST', `/customers/${customer.id}/contacts`, { ...contact, mobile: '139 0000 0000' });
      expect(added.status).toBe(201);
      expect(added.headers.get('etag')).toBe('"1"');
      const cleared = await api.call('manager1', 'PATCH', `/customers/${customer.id}/contacts/${added.body.id}`, { position: null });
      expect(cleared.status).toBe(400);
      const edited = await api.call('manager1', 'PATCH', `/customers/${customer.id}/contacts/${added.body.id}`, { position: '总经理', mobile: null });
      expect(edited.body).toMatchObject({ position: '总经理', mobile: null, version: 2 });
      expect((await api.call('manager1', 'PATCH', `/customers/${other.id}/contacts/${added.body.id}`, { memo: 'x' })).status).toBe(404);
      expect((await api.call('manager1', 'DELETE', `/customers/${customer.id}/contacts/${added.body.id}`, undefined, { 'if-match': '"1"' })).status).toBe(412);
      expect((await api.call('manager1', 'DELETE', `/customers/${customer.id}/contacts/${added.body.id}`)).status).toBe(204);
      expect((await api.call('manager1', 'GET', `/customers/${customer.id}/contacts`)).body.total).toBe(0);
    });

    it('lists interaction records newest first and checks dates', async () => {
      const customer = await create('manager1');
      for (const date of ['2026-10-01', '2026-11-15', '2026-09-30']) {
        expect((await api.call('manager1', 'POST', `/customers/${customer.id}/activities`, { ...activity, date })).status).toBe(201);
      }
      const list = await api.call('executive', 'GET', `/customers/${customer.id}/activities`);
      expect(list.body.items.map((a: { date: string }) => a.date)).toEqual(['2026-11-15', '2026-10-01', '2026-09-30']);
      expect(list.body.items[0].createdBy.id).toBe(ids.manager1);
      const invalid = await api.call('manager1', 'POST', `/customers/${customer.id}/activities`, { ...activity, date: '2026-02-30', details: '' });
      expect(invalid.status).toBe(400);
      expect(new Set(invalid.body.errors.map((e: { field: string }) => e.field))).toEqual(new Set(['date', 'details']));
      const first = list.body.items[0];
      expect((await api.call('manager1', 'PATCH', `/customers/${customer.id}/activities/${first.id}`, { summary: '' })).status).toBe(400);
      expect((await api.call('manager1', 'PATCH', `/customers/${customer.id}/activities/${first.id}`, { date: '2026-08-01' })).body.date).toBe('2026-08-01');
    });
  });

  describe('hostile input', () => {
    it('answers a NUL byte, deep JSON, a huge string, wrong types and unknown keys with 400 problems, never a 5xx', async () => {
      const customer = await create('manager1');
      const cases: [string, string, unknown][] = [
        ['POST', '/customers', complete({ name: 'a\u0000b' })],
        ['PATCH', `/customers/${customer.id}`, { name: 'x'.repeat(1_000_000) }],
        ['PATCH', `/customers/${customer.id}`, { satisfaction: '5', credit: 4.5, zip: ['200120'] }],
        ['PATCH', `/customers/${customer.id}`, { hacker: true }],
        ['POST', `/customers/${customer.id}/contacts`, `{"name":"李工","gender":"male","position":"经理","officePhone":"1234","memo":${'['.repeat(5000)}${']'.repeat(5000)}}`],
        ['GET', `/customers?name=${encodeURIComponent('a\u0000')}`, undefined],
      ];
      for (const [method, path, body] of cases) {
        const response = await api.call('manager1', method, path, body);
        expect({ path, status: response.status >= 400 && response.status < 500 }).toEqual({ path, status: true });
        expect(response.headers.get('content-type')).toContain('application/problem+json');
      }
    });
  });
});
