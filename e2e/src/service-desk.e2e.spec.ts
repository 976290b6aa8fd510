import { TicketArchivedV1, TicketAssignedV1, TicketCreatedV1, TicketHandledV1, TicketReopenedV1 } from '@crm/contracts';
import { eventsExchangeArguments } from '@crm/messaging';
import { TestSubscriber, testAmqpUrl, uniqueName, waitUntil } from '@crm/testing';
import { ApiClient, Login, RunningSystem, startCrm } from './support/crm-system';
import { completeCustomer } from './support/customer-fixture';

/**
 * The service desk end to end (requirements §3; contract "Service desk", `service.ticket.*.v1`):
 * through the gateway with real tokens, a ticket from creation to archive by way of a reopening,
 * every wrong-state action a 409 with its code, who may do what, the archive query, the events,
 * and tickets still taken while the customer service is down (the desk asks its own copy).
 */
describe('service desk end to end', () => {
  const exchange = uniqueName('crm.events.e2e-desk');
  let system: RunningSystem;
  let api: ApiClient;
  let subscriber: TestSubscriber;
  const ids: Record<string, string> = {};
  const tag = uniqueName('服务');
  /** manager1's customer, manager2's customer, and one the supervisor deletes. */
  let mine: { id: string; name: string };
  let theirs: { id: string; name: string };
  let deleted: { id: string; name: string };

  const newCustomer = async (manager: Login, name: string) => {
    const response = await api.call(manager, 'POST', '/customers', completeCustomer({ name }));
    expect(response.status).toBe(201);
    return response.body as { id: string; name: string };
  };
  const ticket = (customerId: string, overrides: Record<string, unknown> = {}) => ({
    type: '投诉',
    summary: `${tag} 叉车液压泄漏`,
    customerId,
    request: '客户反映新购电动叉车液压系统漏油，要求上门检修。',
    ...overrides,
  });
  const create = async (login: Login, body: Record<string, unknown>) => {
    const response = await api.call(login, 'POST', '/service-tickets', body);
    expect({ status: response.status, body: response.body }).toMatchObject({ status: 201 });
    return response.body;
  };
  const act = (login: Login, id: string, action: string, body: unknown) => api.call(login, 'POST', `/service-tickets/${id}/${action}`, body);
  const eventsOf = (ticketId: string) =>
    subscriber.messages.map((message) => message.body as { type: string; data: { ticketId: string; version: number } }).filter((event) => event.data.ticketId === ticketId);

  beforeAll(async () => {
    subscriber = await TestSubscriber.bind({ exchange, pattern: 'service.#', exchangeArguments: eventsExchangeArguments({ service: 'service-desk', exchange }) });
    system = await startCrm({ amqpUrl: testAmqpUrl(), exchange, env: { RATE_LIMIT_MAX: '10000' } });
    api = new ApiClient(system);
    for (const login of ['admin', 'supervisor', 'manager1', 'manager2', 'executive'] as const) ids[login] = (await api.call(login, 'GET', '/me')).body.id;
    mine = await newCustomer('manager1', `${tag}-华东机械`);
    theirs = await newCustomer('manager2', `${tag}-南方电气`);
    deleted = await newCustomer('manager1', `${tag}-已删除`);
    expect((await api.call('supervisor', 'DELETE', `/customers/${deleted.id}`)).status).toBe(200);
    // The desk learns customers from events: a ticket for a customer it has not heard of yet is a 400.
    await waitUntil(async () => (await api.call('manager1', 'POST', '/service-tickets', ticket(theirs.id, { summary: `${tag} 预热` }))).status === 201, 15_000);
    await waitUntil(async () => (await api.call('manager1', 'POST', '/service-tickets', ticket(deleted.id))).status === 409, 15_000);
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
    await subscriber?.close();
  });

  it('takes a ticket from created to archived by way of a reopening, keeping every round and transition', async () => {
    const created = await create('manager1', ticket(mine.id));
    expect(created).toMatchObject({ status: 'created', type: '投诉', customerId: mine.id, customerName: mine.name, createdBy: { id: ids.manager1 }, assignee: null });

    const assigned = await act('supervisor', created.id, 'assign', { assigneeId: ids.manager2 });
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({ status: 'assigned', assignee: { id: ids.manager2, name: expect.any(String) }, assignedAt: expect.any(String) });

    // Only the assignee handles; handler and time are the system's.
    expect((await act('manager1', created.id, 'handle', { handling: '我来处理' })).status).toBe(403);
    const first = await act('manager2', created.id, 'handle', { handling: '更换液压密封圈，试车正常。' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'handled', handling: '更换液压密封圈，试车正常。', handledBy: { id: ids.manager2 }, handledAt: expect.any(String) });

    // Satisfaction 2 sends it back to the same assignee; the first round keeps its handling and feedback.
    const reopened = await act('manager1', created.id, 'feedback', { result: '仍有渗油', satisfaction: 2 });
    expect(reopened.status).toBe(200);
    expect(reopened.body).toMatchObject({ status: 'assigned', assignee: { id: ids.manager2 }, satisfaction: 2 });

    const second = await act('manager2', created.id, 'handle', { handling: '更换液压泵，二次试车无渗漏。' });
    expect(second.body.status).toBe('handled');
    // Satisfaction 3 archives.
    const archived = await act('manager1', created.id, 'feedback', { result: '问题解决', satisfaction: 3 });
    expect(archived.status).toBe(200);
    expect(archived.body).toMatchObject({ status: 'archived', result: '问题解决', satisfaction: 3 });

    const detail = await api.call('manager2', 'GET', `/service-tickets/${created.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.rounds).toEqual([
      expect.objectContaining({ round: 1, handling: '更换液压密封圈，试车正常。', handledBy: expect.objectContaining({ id: ids.manager2 }), result: '仍有渗油', satisfaction: 2 }),
      expect.objectContaining({ round: 2, handling: '更换液压泵，二次试车无渗漏。', result: '问题解决', satisfaction: 3 }),
    ]);
    const history = detail.body.history as { action: string; at: string; by: { id: string } }[];
    expect(history.map((step) => [step.action, step.by.id])).toEqual([
      ['created', ids.manager1],
      ['assigned', ids.supervisor],
      ['handled', ids.manager2],
      ['reopened', ids.manager1],
      ['handled', ids.manager2],
      ['archived', ids.manager1],
    ]);
    expect(history.map((step) => step.at)).toEqual([...history.map((step) => step.at)].sort());

    // Subscribers see each transition once, in versions 1..6, each with the whole snapshot.
    await waitUntil(() => eventsOf(created.id).length >= 6, 10_000);
    const events = eventsOf(created.id).sort((a, b) => a.data.version - b.data.version);
    expect(events.map((event) => event.type)).toEqual([
      TicketCreatedV1.type,
      TicketAssignedV1.type,
      TicketHandledV1.type,
      TicketReopenedV1.type,
      TicketHandledV1.type,
      TicketArchivedV1.type,
    ]);
    expect(events.map((event) => event.data.version)).toEqual([1, 2, 3, 4, 5, 6]);
    const last = TicketArchivedV1.data.parse(events[5].data);
    expect(last.rounds).toHaveLength(2);
    expect(last).toMatchObject({ status: 'archived', satisfaction: 3, customerName: mine.name });
  });

  it('answers every action in the wrong state with a 409 and a stable code', async () => {
    const fresh = await create('manager1', ticket(mine.id));
    const handleCreated = await act('manager2', fresh.id, 'handle', { handling: '未分配就处理' });
    expect(handleCreated.status).toBeGreaterThanOrEqual(403); // not the assignee of an unassigned ticket, or not assigned
    expect([403, 409]).toContain(handleCreated.status);
    const feedbackCreated = await act('manager1', fresh.id, 'feedback', { result: '提前反馈', satisfaction: 5 });
    expect(feedbackCreated.status).toBe(409);
    expect(feedbackCreated.body.code).toBe('TICKET.NOT_HANDLED');

    expect((await act('supervisor', fresh.id, 'assign', { assigneeId: ids.manager1 })).status).toBe(200);
    // Reassignment while assigned is allowed.
    const reassigned = await act('supervisor', fresh.id, 'assign', { assigneeId: ids.manager2 });
    expect(reassigned.body.assignee.id).toBe(ids.manager2);
    const feedbackAssigned = await act('manager1', fresh.id, 'feedback', { result: '未处理', satisfaction: 4 });
    expect(feedbackAssigned.status).toBe(409);
    expect(feedbackAssigned.body.code).toBe('TICKET.NOT_HANDLED');

    expect((await act('manager2', fresh.id, 'handle', { handling: '已电话回复' })).status).toBe(200);
    const handleTwice = await act('manager2', fresh.id, 'handle', { handling: '再处理一次' });
    expect(handleTwice.status).toBe(409);
    expect(handleTwice.body.code).toMatch(/^TICKET\./);
    const assignHandled = await act('supervisor', fresh.id, 'assign', { assigneeId: ids.manager1 });
    expect(assignHandled.status).toBe(409);
    expect(assignHandled.body.code).toBe('TICKET.NOT_ASSIGNABLE');

    expect((await act('manager1', fresh.id, 'feedback', { result: '满意', satisfaction: 5 })).body.status).toBe('archived');
    for (const [login, action, body] of [
      ['supervisor', 'assign', { assigneeId: ids.manager1 }],
      ['manager2', 'handle', { handling: '归档后处理' }],
      ['manager1', 'feedback', { result: '归档后反馈', satisfaction: 1 }],
    ] as const) {
      const response = await act(login, fresh.id, action, body);
      expect({ action, status: response.status, type: response.headers.get('content-type') }).toEqual({ action, status: 409, type: expect.stringContaining('application/problem+json') });
      expect(response.body.code).toMatch(/^TICKET\./);
    }
    const after = await api.call('supervisor', 'GET', `/service-tickets/${fresh.id}`);
    expect(after.body).toMatchObject({ status: 'archived', satisfaction: 5 });
    expect(after.body.rounds).toHaveLength(1);
  });

  it('lets managers create, supervisors assign, only desk roles read; refuses bad input field by field', async () => {
    expect((await api.call('supervisor', 'POST', '/service-tickets', ticket(mine.id))).status).toBe(403);
    expect((await api.call('executive', 'GET', '/service-tickets')).status).toBe(403);
    expect((await api.call('admin', 'GET', '/service-tickets')).status).toBe(403);
    expect((await api.call(null, 'GET', '/service-tickets')).status).toBe(401);
    const own = await create('manager2', ticket(theirs.id, { type: '咨询', summary: `${tag} 咨询保养周期` }));
    expect((await act('manager1', own.id, 'assign', { assigneeId: ids.manager1 })).status).toBe(403);
    const toExecutive = await act('supervisor', own.id, 'assign', { assigneeId: ids.executive });
    expect(toExecutive.status).toBe(400);
    expect(toExecutive.body).toMatchObject({ code: 'TICKET.ASSIGNEE_INVALID', errors: [expect.objectContaining({ field: 'assigneeId' })] });
    expect((await api.call('manager1', 'GET', '/service-tickets/no-such-ticket')).status).toBe(404);

    const unknownType = await api.call('manager1', 'POST', '/service-tickets', ticket(mine.id, { type: '报修' }));
    expect(unknownType.status).toBe(400);
    expect(unknownType.body.errors).toEqual([expect.objectContaining({ field: 'type' })]);
    const missing = await api.call('manager1', 'POST', '/service-tickets', { type: '建议' });
    expect(missing.status).toBe(400);
    expect(missing.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['summary', 'customerId', 'request']));
    const tooLong = await api.call('manager1', 'POST', '/service-tickets', ticket(mine.id, { request: '长'.repeat(3001) }));
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.errors).toEqual([expect.objectContaining({ field: 'request' })]);
    expect((await api.call('manager1', 'POST', '/service-tickets', { ...ticket(mine.id), status: 'archived' })).status).toBe(400);
    const unknownCustomer = await api.call('manager1', 'POST', '/service-tickets', ticket('no-such-customer'));
    expect(unknownCustomer.status).toBe(400);
    expect(unknownCustomer.body.errors).toEqual([expect.objectContaining({ field: 'customerId' })]);
    const gone = await api.call('manager1', 'POST', '/service-tickets', ticket(deleted.id));
    expect(gone.status).toBe(409);
    expect(gone.body.code).toBe('TICKET.CUSTOMER_NOT_NORMAL');

    await act('supervisor', own.id, 'assign', { assigneeId: ids.manager2 });
    await act('manager2', own.id, 'handle', { handling: '已答复' });
    for (const satisfaction of [0, 6, 2.5, '3']) {
      const bad = await act('manager2', own.id, 'feedback', { result: '好', satisfaction });
      expect({ satisfaction, status: bad.status }).toEqual({ satisfaction, status: 400 });
    }
    expect((await act('manager2', own.id, 'feedback', { result: '', satisfaction: 4 })).status).toBe(400);
    expect((await api.call('manager2', 'GET', `/service-tickets/${own.id}`)).body.status).toBe('handled');
  });

  it('queries the archive by customer, summary, type and creation date range, newest first', async () => {
    const query = (login: Login, q: string) => api.call(login, 'GET', `/service-tickets?status=archived&${q}`);
    const all = await query('supervisor', `customerName=${encodeURIComponent(tag)}&pageSize=100`);
    expect(all.status).toBe(200);
    expect(all.body.total).toBeGreaterThanOrEqual(2);
    expect(all.body.items.every((t: { status: string; customerName: string }) => t.status === 'archived' && t.customerName.includes(tag))).toBe(true);
    const createdAts = all.body.items.map((t: { createdAt: string }) => t.createdAt);
    expect(createdAts).toEqual([...createdAts].sort().reverse());

    const bySummary = await query('manager2', `summary=${encodeURIComponent('液压泄漏')}&customerName=${encodeURIComponent(mine.name)}&type=${encodeURIComponent('投诉')}`);
    expect(bySummary.body.total).toBe(2);
    expect((await query('manager2', `customerName=${encodeURIComponent(mine.name)}&type=${encodeURIComponent('建议')}`)).body.total).toBe(0);
    expect((await query('manager2', `customerName=${encodeURIComponent(theirs.name)}`)).body.total).toBe(0);

    const today = new Date().toLocaleDateString('en-CA', { timeZone: 'Asia/Shanghai' });
    const tomorrow = new Date(Date.now() + 86_400_000).toLocaleDateString('en-CA', { timeZone: 'Asia/Shanghai' });
    expect((await query('supervisor', `customerName=${encodeURIComponent(mine.name)}&createdFrom=${today}&createdTo=${today}`)).body.total).toBe(2);
    expect((await query('supervisor', `customerName=${encodeURIComponent(mine.name)}&createdFrom=${tomorrow}`)).body.total).toBe(0);
    const backwards = await query('supervisor', `createdFrom=${tomorrow}&createdTo=${today}`);
    expect(backwards.status).toBe(400);
    const notADate = await query('supervisor', 'createdFrom=2026-02-30');
    expect(notADate.status).toBe(400);
    expect(notADate.body.errors).toEqual([expect.objectContaining({ field: 'createdFrom' })]);
    expect((await query('supervisor', 'pageSize=101')).status).toBe(400);
  });

  it('answers a NUL byte, deep JSON, a huge string, wrong types and unknown keys with 4xx problems with a code, never a 5xx, writing nothing', async () => {
    const target = await create('manager1', ticket(mine.id, { summary: `${tag} 恶意输入` }));
    const before = (await api.call('supervisor', 'GET', `/service-tickets?customerName=${encodeURIComponent(tag)}&pageSize=1`)).body.total;
    const deep = (key: string) => `{"${key}":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const cases: [Login, string, string, unknown][] = [
      ['manager1', 'POST', '/service-tickets', ticket(mine.id, { summary: 'a\u0000b' })],
      ['manager1', 'POST', '/service-tickets', ticket(mine.id, { request: 'x'.repeat(1_000_000) })],
      ['manager1', 'POST', '/service-tickets', deep('summary')],
      ['manager1', 'POST', '/service-tickets', ticket(mine.id, { hacker: true })],
      ['manager1', 'POST', '/service-tickets', ticket(mine.id, { type: 42 })],
      ['manager1', 'POST', '/service-tickets', ticket(encodeURIComponent('\u0000'))],
      ['supervisor', 'POST', `/service-tickets/${target.id}/assign`, { assigneeId: ['x'] }],
      ['supervisor', 'POST', `/service-tickets/${target.id}/assign`, deep('assigneeId')],
      ['supervisor', 'POST', `/service-tickets/${target.id}/assign`, { assigneeId: 'a\u0000' }],
      ['manager1', 'POST', `/service-tickets/${target.id}/feedback`, { result: 'x'.repeat(1_000_000), satisfaction: 3 }],
      ['supervisor', 'GET', `/service-tickets?status=${encodeURIComponent('archived\u0000')}`, undefined],
      ['supervisor', 'GET', `/service-tickets?customerName=${'x'.repeat(300)}`, undefined],
      ['supervisor', 'GET', `/service-tickets?summary=${encodeURIComponent('液\u0000压')}&page=-1`, undefined],
      ['supervisor', 'GET', `/service-tickets?createdFrom=${encodeURIComponent('2026-01-01\u0000')}&pageSize=abc`, undefined],
      ['supervisor', 'GET', `/service-tickets/${encodeURIComponent('\u0000')}`, undefined],
    ];
    for (const [login, method, path, body] of cases) {
      const response = await api.call(login, method, path, body);
      expect({ path: path.slice(0, 80), status: response.status >= 400 && response.status < 500 }).toEqual({ path: path.slice(0, 80), status: true });
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body.code).toEqual(expect.any(String));
    }
    expect((await api.call('supervisor', 'GET', `/service-tickets?customerName=${encodeURIComponent(tag)}&pageSize=1`)).body.total).toBe(before);
    expect((await api.call('supervisor', 'GET', `/service-tickets/${target.id}`)).body).toMatchObject({ status: 'created', assignee: null, version: 1 });
  });

  it('takes tickets while the customer service is down: the desk asks its own copy', async () => {
    process.kill(system.services.customer.process.pid, 'SIGTERM');
    await waitUntil(async () => (await api.call('manager1', 'GET', `/customers/${mine.id}`)).status >= 500, 20_000);
    const created = await create('manager1', ticket(mine.id, { summary: `${tag} 客户服务停机期间` }));
    expect(created.customerName).toBe(mine.name);
    const gone = await api.call('manager1', 'POST', '/service-tickets', ticket(deleted.id));
    expect(gone.status).toBe(409);
  });
});
