import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CustomerCreatedV1,
  CustomerUpdatedV1,
  DICTIONARY_CATEGORIES,
  DictionaryChangedV1,
  type EventData,
  type EventDefinition,
  TicketArchivedV1,
  TicketAssignedV1,
  TicketCreatedV1,
  TicketHandledV1,
  TicketReopenedV1,
  type CustomerStatus,
} from '@crm/contracts';
import { OutboxMessage } from '@crm/messaging';
import type { DatabaseSettings } from '@crm/persistence';
import { uniqueName } from '@crm/testing';
import { Ticket } from '../src/tickets/ticket.entity';
import { TicketTransition } from '../src/tickets/ticket-history.entity';
import { TicketsService } from '../src/tickets/tickets.service';
import { type DeskApp, type Login, startDeskApp, undeclaredNulls } from './support/desk-app';

const DATABASES: [string, () => DatabaseSettings][] = [
  ['SQLite', () => ({ DB_DRIVER: 'sqlite', DB_NAME: join(mkdtempSync(join(tmpdir(), 'crm-service-desk-')), 'service-desk.sqlite') })],
  ['PostgreSQL', () => ({ DB_DRIVER: 'postgresql', DB_URL: process.env.CRM_TEST_PG_URL, DB_SCHEMA: uniqueName('desk').replace(/[^a-z0-9]/g, '_') })],
];

const EVENTS: Record<string, EventDefinition> = { [TicketCreatedV1.type]: TicketCreatedV1, [TicketAssignedV1.type]: TicketAssignedV1, [TicketHandledV1.type]: TicketHandledV1, [TicketArchivedV1.type]: TicketArchivedV1, [TicketReopenedV1.type]: TicketReopenedV1 };
const MANAGER3 = { id: 'dba70cff-8700-4aba-b738-b653f6af9b45', name: 'Max Manager' }; // disabled in the realm

interface Body {
  [key: string]: unknown;
  id: string;
  status: string;
  code: string;
  errors: { field: string; message: string }[];
}

/**
 * The service desk (requirements §3, contract "Service desk") through its own HTTP API with real
 * access tokens: a ticket from creation to archive by way of a reopening, every wrong state's 409,
 * who may do what, validation field by field, the customer and dictionary copies fed by real
 * events, the events recorded with each transition, and the archive query — on SQLite and
 * PostgreSQL. The cases build on each other, as a desk's day would.
 */
describe.each(DATABASES)('service tickets on %s', (dialect, databaseFor) => {
  let desk: DeskApp;
  const tickets: Record<string, string> = {};
  let customerVersion = 0;

  const call = (user: Login | null, method: 'GET' | 'POST', url: string, payload?: unknown) => desk.call(user, method, url, payload);
  const body = (response: { json(): unknown }) => response.json() as Body;
  const act = (user: Login, id: string, action: 'assign' | 'handle' | 'feedback', payload: unknown) => call(user, 'POST', `/service-tickets/${id}/${action}`, payload);
  const assignTo = (user: Login) => ({ assigneeId: desk.users[user].id });
  const ticket = (customerId: string, overrides: Record<string, unknown> = {}) => ({ type: '投诉', summary: '叉车液压泄漏', customerId, request: '新购电动叉车液压系统漏油，要求上门检修。', ...overrides });
  async function create(key: string, payload: Record<string, unknown>, user: Login = 'manager1'): Promise<Body> {
    const response = await call(user, 'POST', '/service-tickets', payload);
    expect([response.statusCode, response.json()]).toEqual([201, expect.objectContaining({ status: 'created' })]);
    tickets[key] = body(response).id;
    return body(response);
  }
  /** [status, code, the fields with errors (each once)] of a refusal. */
  const refusal = (response: { statusCode: number; json(): unknown }) => [response.statusCode, body(response).code, [...new Set((body(response).errors ?? []).map((error) => error.field))]];
  const detail = async (key: string) => body(await call('supervisor', 'GET', `/service-tickets/${tickets[key]}`));
  const outbox = async (key: string) =>
    (await desk.orm.em.fork().find(OutboxMessage, { subject: tickets[key] }, { orderBy: { seq: 'asc' } })).map((row) => ({ type: row.type, data: EVENTS[row.type].data.parse(row.data) as EventData<typeof TicketAssignedV1> }));

  async function customer(id: string, name: string, manager: { id: string; name: string }, status: CustomerStatus = 'normal'): Promise<void> {
    const snapshot = {
      customerId: id,
      version: ++customerVersion,
      customerNo: `KH2026112900${String(customerVersion).padStart(2, '0')}`,
      name,
      manager,
      region: '华东',
      level: '大客户',
      credit: 4,
      satisfaction: 4,
      status,
      createdAt: '2026-11-29T01:00:00.000Z',
      updatedAt: '2026-11-29T01:00:00.000Z',
    };
    await desk.publish(CustomerCreatedV1, { ...snapshot, sourceOpportunityId: null, createdBy: manager }, 'customer-copy');
  }

  async function dictionaryItem(itemId: string, item: string, change: 'created' | 'deleted' = 'created', version = 1): Promise<void> {
    const data = { itemId, version, category: DICTIONARY_CATEGORIES.serviceType, item, value: itemId, editable: true, change, changedAt: new Date().toISOString() };
    await desk.publish(DictionaryChangedV1, data, 'dictionary-copy');
  }

  beforeAll(async () => {
    desk = await startDeskApp(databaseFor());
    const { manager1, manager2 } = desk.users;
    for (const [id, item] of [['1', '咨询'], ['2', '建议'], ['3', '投诉'], ['4', '报修']]) await dictionaryItem(id, item);
    await dictionaryItem('4', '报修', 'deleted', 2);
    await customer('acme', 'ACME 机械', manager1);
    await customer('beta', 'Beta 贸易', manager2);
    await customer('gamma', 'Gamma 科技', MANAGER3);
    await customer('churned', 'Churned 电子', manager1, 'churned');
    await customer('deleted', 'Deleted 食品', manager1, 'deleted');
  }, 60_000);

  afterAll(async () => {
    await desk?.close();
  });

  it('records a manager’s ticket for a normal customer of its copy: 201 created, with the customer’s number and name, history begun', async () => {
    const created = await create('main', ticket('acme', { summary: '  叉车液压泄漏  ' }));
    expect(created).toMatchObject({
      status: 'created',
      version: 1,
      type: '投诉',
      summary: '叉车液压泄漏',
      customerId: 'acme',
      customerNo: 'KH202611290001',
      customerName: 'ACME 机械',
      createdBy: { id: desk.users.manager1.id, name: desk.users.manager1.name },
      assignee: null,
      assignedAt: null,
      handling: null,
      handledBy: null,
      result: null,
      satisfaction: null,
      archivedAt: null,
      rounds: [],
      history: [{ seq: 1, action: 'created', at: created.createdAt, by: { id: desk.users.manager1.id, name: desk.users.manager1.name }, assignee: null, round: null, result: null, satisfaction: null }],
    });
    expect(undeclaredNulls(desk.document, 'TicketDetailResponse', created)).toEqual([]);
    const got = await call('manager2', 'GET', `/service-tickets/${created.id}`);
    expect([got.statusCode, got.json()]).toEqual([200, created]);
  });

  it('refuses bad input field by field, unknown and deleted dictionary items, unknown customers (400) and churned or deleted ones (409), writing nothing', async () => {
    const before = await desk.orm.em.fork().count(Ticket);
    const post = (payload: unknown) => call('manager1', 'POST', '/service-tickets', payload);
    expect(refusal(await post({}))).toEqual([400, 'VALIDATION.FAILED', expect.arrayContaining(['type', 'summary', 'customerId', 'request'])]);
    expect(refusal(await post(ticket('acme', { summary: '   ' })))).toEqual([400, 'VALIDATION.FAILED', ['summary']]);
    expect(refusal(await post(ticket('acme', { summary: '概'.repeat(201) })))).toEqual([400, 'VALIDATION.FAILED', ['summary']]);
    expect(refusal(await post(ticket('acme', { request: '长'.repeat(3001) })))).toEqual([400, 'VALIDATION.FAILED', ['request']]);
    expect((await post(ticket('acme', { request: '长'.repeat(3000) }))).statusCode).toBe(201);
    expect(refusal(await post(ticket('acme', { type: 3 })))).toEqual([400, 'VALIDATION.FAILED', ['type']]);
    expect(refusal(await post({ ...ticket('acme'), status: 'archived', assigneeId: 'x' }))).toEqual([400, 'VALIDATION.FAILED', ['status', 'assigneeId']]);
    expect(refusal(await post([ticket('acme')]))).toEqual([400, 'VALIDATION.FAILED', expect.any(Array)]);
    expect(refusal(await post(ticket('acme', { type: '报修' })))).toEqual([400, 'DICTIONARY.INVALID_OPTION', ['type']]); // deleted
    expect(refusal(await post(ticket('acme', { type: '投诉X' })))).toEqual([400, 'DICTIONARY.INVALID_OPTION', ['type']]);
    expect(refusal(await post(ticket('no-such-customer')))).toEqual([400, 'TICKET.CUSTOMER_NOT_FOUND', ['customerId']]);
    expect(refusal(await post(ticket('churned')))).toEqual([409, 'TICKET.CUSTOMER_NOT_NORMAL', []]);
    expect(refusal(await post(ticket('deleted')))).toEqual([409, 'TICKET.CUSTOMER_NOT_NORMAL', []]);
    const problem = await post(ticket('deleted'));
    expect(problem.headers['content-type']).toContain('application/problem+json');
    expect(await desk.orm.em.fork().count(Ticket)).toBe(before + 1);
  });

  it('lets managers create and desk roles read; admins and executives are refused, an unknown id is a 404', async () => {
    expect(refusal(await call('supervisor', 'POST', '/service-tickets', ticket('acme')))).toEqual([403, 'AUTH.FORBIDDEN', []]);
    expect(refusal(await call('executive', 'POST', '/service-tickets', ticket('acme')))).toEqual([403, 'AUTH.FORBIDDEN', []]);
    for (const user of ['admin', 'executive'] as const) {
      expect(refusal(await call(user, 'GET', '/service-tickets'))).toEqual([403, 'AUTH.FORBIDDEN', []]);
      expect(refusal(await call(user, 'GET', `/service-tickets/${tickets.main}`))).toEqual([403, 'AUTH.FORBIDDEN', []]);
    }
    expect((await call(null, 'GET', '/service-tickets')).statusCode).toBe(401);
    expect(refusal(await call('manager2', 'GET', '/service-tickets/no-such-ticket'))).toEqual([404, 'TICKET.NOT_FOUND', []]);
    expect(refusal(await act('supervisor', 'no-such-ticket', 'assign', assignTo('manager1')))).toEqual([404, 'TICKET.NOT_FOUND', []]);
    const listed = await call('supervisor', 'GET', '/service-tickets');
    expect([listed.statusCode, listed.json()]).toEqual([200, expect.objectContaining({ page: 1, pageSize: 20, total: 2, items: [expect.objectContaining({ customerId: 'acme' }), expect.objectContaining({ id: tickets.main })] })]);
    // Every desk role reads every ticket: a manager another's too.
    expect((await call('manager2', 'GET', `/service-tickets?customerId=acme`)).json()).toMatchObject({ total: 2 });
  });

  it('assigns (a supervisor) to an active manager or supervisor only, and reassigns while assigned', async () => {
    expect(refusal(await act('manager1', tickets.main, 'assign', assignTo('manager2')))).toEqual([403, 'AUTH.FORBIDDEN', []]);
    for (const assigneeId of [desk.users.executive.id, desk.users.admin.id, MANAGER3.id, 'no-such-user']) {
      expect(refusal(await act('supervisor', tickets.main, 'assign', { assigneeId }))).toEqual([400, 'TICKET.ASSIGNEE_INVALID', ['assigneeId']]);
    }
    expect(refusal(await act('supervisor', tickets.main, 'assign', {}))).toEqual([400, 'VALIDATION.FAILED', ['assigneeId']]);
    const first = await act('supervisor', tickets.main, 'assign', assignTo('manager1'));
    expect([first.statusCode, first.json()]).toEqual([200, expect.objectContaining({ status: 'assigned', version: 2, assignee: { id: desk.users.manager1.id, name: desk.users.manager1.name } })]);
    const second = body(await act('supervisor', tickets.main, 'assign', assignTo('manager2')));
    expect(second).toMatchObject({ status: 'assigned', version: 3, assignee: { id: desk.users.manager2.id } });
    expect(second.assignedAt).not.toBe(body(first).assignedAt);
    expect((second.history as { action: string; assignee: { id: string } }[]).slice(1).map((step) => [step.action, step.assignee.id])).toEqual([
      ['assigned', desk.users.manager1.id],
      ['assigned', desk.users.manager2.id],
    ]);
    // A supervisor may be the assignee.
    await create('gamma', ticket('gamma', { type: '咨询', summary: '保养周期' }));
    expect(body(await act('supervisor', tickets.gamma, 'assign', assignTo('supervisor')))).toMatchObject({ assignee: { id: desk.users.supervisor.id } });
  });

  it('lets the assignee alone handle, setting handler and time; each handling is a round', async () => {
    for (const user of ['manager1', 'supervisor'] as const) {
      expect(refusal(await act(user, tickets.main, 'handle', { handling: '我来处理' }))).toEqual([403, 'TICKET.NOT_ASSIGNEE', []]);
    }
    expect(refusal(await act('executive', tickets.main, 'handle', { handling: '我来处理' }))).toEqual([403, 'AUTH.FORBIDDEN', []]);
    expect(refusal(await act('manager2', tickets.main, 'handle', { handling: ' ' }))).toEqual([400, 'VALIDATION.FAILED', ['handling']]);
    expect(refusal(await act('manager2', tickets.main, 'handle', { handling: '处'.repeat(3001) }))).toEqual([400, 'VALIDATION.FAILED', ['handling']]);
    expect(refusal(await act('manager2', tickets.main, 'handle', { handling: '更换密封圈', handledBy: desk.users.manager1.id }))).toEqual([400, 'VALIDATION.FAILED', ['handledBy']]);
    const started = Date.now();
    const handled = body(await act('manager2', tickets.main, 'handle', { handling: '更换液压密封圈，试车正常。' }));
    expect(handled).toMatchObject({ status: 'handled', version: 4, handling: '更换液压密封圈，试车正常。', handledBy: { id: desk.users.manager2.id, name: desk.users.manager2.name } });
    expect(Date.parse(handled.handledAt as string)).toBeGreaterThanOrEqual(started - 1000);
    expect(handled.rounds).toEqual([
      { round: 1, handling: '更换液压密封圈，试车正常。', handledBy: { id: desk.users.manager2.id, name: desk.users.manager2.name }, handledAt: handled.handledAt, result: null, satisfaction: null, feedbackBy: null, feedbackAt: null },
    ]);
    expect(undeclaredNulls(desk.document, 'TicketDetailResponse', handled)).toEqual([]);
  });

  it('takes feedback from the assignee, the creator or the customer’s manager (per the copy) only, validated field by field', async () => {
    expect(body(await act('supervisor', tickets.gamma, 'handle', { handling: '电话答复保养周期' }))).toMatchObject({ status: 'handled', handledBy: { id: desk.users.supervisor.id } });
    // gamma's manager is manager3, the ticket manager1's and assigned to the supervisor: manager2 is none of them.
    expect(refusal(await act('manager2', tickets.gamma, 'feedback', { result: '满意', satisfaction: 5 }))).toEqual([403, 'TICKET.NOT_FEEDBACK_GIVER', []]);
    expect(refusal(await act('supervisor', tickets.gamma, 'feedback', { result: '满意', satisfaction: 5 }))).toEqual([403, 'AUTH.FORBIDDEN', []]);
    for (const satisfaction of [0, 6, 2.5, '3', null]) {
      expect([satisfaction, ...refusal(await act('manager1', tickets.gamma, 'feedback', { result: '好', satisfaction }))]).toEqual([satisfaction, 400, 'VALIDATION.FAILED', ['satisfaction']]);
    }
    expect(refusal(await act('manager1', tickets.gamma, 'feedback', { result: ' ', satisfaction: 4 }))).toEqual([400, 'VALIDATION.FAILED', ['result']]);
    expect(refusal(await act('manager1', tickets.gamma, 'feedback', { result: '果'.repeat(501), satisfaction: 4 }))).toEqual([400, 'VALIDATION.FAILED', ['result']]);
    // The customer is handed to manager2: now its manager, who may give feedback.
    await desk.publish(
      CustomerUpdatedV1,
      { customerId: 'gamma', version: 10, customerNo: 'KH202611290003', name: 'Gamma 科技', manager: { id: desk.users.manager2.id, name: desk.users.manager2.name }, region: '华东', level: '大客户', credit: 4, satisfaction: 4, status: 'normal', createdAt: '2026-11-29T01:00:00.000Z', updatedAt: '2026-11-29T02:00:00.000Z', changedFields: ['manager'], changedBy: { id: desk.users.supervisor.id, name: desk.users.supervisor.name } },
      'customer-copy',
    );
    const archived = body(await act('manager2', tickets.gamma, 'feedback', { result: '已了解', satisfaction: 5 }));
    expect(archived).toMatchObject({ status: 'archived', result: '已了解', satisfaction: 5, archivedAt: expect.any(String) });
  });

  it('reopens on satisfaction 2 for the same assignee, keeping round 1 with its feedback; the next handling is round 2 and satisfaction 3 archives', async () => {
    const reopened = body(await act('manager1', tickets.main, 'feedback', { result: '仍有渗油', satisfaction: 2 }));
    expect(reopened).toMatchObject({ status: 'assigned', version: 5, assignee: { id: desk.users.manager2.id }, result: '仍有渗油', satisfaction: 2, archivedAt: null, handling: '更换液压密封圈，试车正常。' });
    expect(reopened.rounds).toEqual([expect.objectContaining({ round: 1, result: '仍有渗油', satisfaction: 2, feedbackBy: { id: desk.users.manager1.id, name: desk.users.manager1.name }, feedbackAt: expect.any(String) })]);

    const second = body(await act('manager2', tickets.main, 'handle', { handling: '更换液压泵，二次试车无渗漏。' }));
    expect(second).toMatchObject({ status: 'handled', version: 6, handling: '更换液压泵，二次试车无渗漏。' });
    expect((second.rounds as { round: number; result: string | null }[]).map((round) => [round.round, round.result])).toEqual([
      [1, '仍有渗油'],
      [2, null],
    ]);

    // The assignee gives this feedback (the creator gave the last).
    const archived = body(await act('manager2', tickets.main, 'feedback', { result: '问题解决', satisfaction: 3 }));
    expect(archived).toMatchObject({ status: 'archived', version: 7, result: '问题解决', satisfaction: 3, archivedAt: expect.any(String) });
    expect(undeclaredNulls(desk.document, 'TicketDetailResponse', archived)).toEqual([]);
  });

  it('shows the reopened ticket’s whole history and every round, oldest first', async () => {
    const { manager1, manager2, supervisor } = desk.users;
    const shown = await detail('main');
    const history = shown.history as { seq: number; action: string; at: string; by: { id: string }; assignee: { id: string } | null; round: number | null; result: string | null; satisfaction: number | null }[];
    expect(history.map((step) => [step.seq, step.action, step.by.id, step.assignee?.id ?? null, step.round, step.result, step.satisfaction])).toEqual([
      [1, 'created', manager1.id, null, null, null, null],
      [2, 'assigned', supervisor.id, manager1.id, null, null, null],
      [3, 'assigned', supervisor.id, manager2.id, null, null, null],
      [4, 'handled', manager2.id, null, 1, null, null],
      [5, 'reopened', manager1.id, null, 1, '仍有渗油', 2],
      [6, 'handled', manager2.id, null, 2, null, null],
      [7, 'archived', manager2.id, null, 2, '问题解决', 3],
    ]);
    expect(history.map((step) => step.at)).toEqual(history.map((step) => step.at).sort());
    expect(shown.rounds).toEqual([
      expect.objectContaining({ round: 1, handling: '更换液压密封圈，试车正常。', handledBy: expect.objectContaining({ id: manager2.id }), result: '仍有渗油', satisfaction: 2, feedbackBy: expect.objectContaining({ id: manager1.id }) }),
      expect.objectContaining({ round: 2, handling: '更换液压泵，二次试车无渗漏。', handledBy: expect.objectContaining({ id: manager2.id }), result: '问题解决', satisfaction: 3, feedbackBy: expect.objectContaining({ id: manager2.id }) }),
    ]);
    // A list item is the ticket without rounds and history.
    const listed = body(await call('manager1', 'GET', `/service-tickets?customerId=acme&status=archived`));
    expect(listed.items).toEqual([expect.objectContaining({ id: tickets.main, status: 'archived', handling: '更换液压泵，二次试车无渗漏。' })]);
    expect(Object.keys((listed.items as object[])[0])).not.toEqual(expect.arrayContaining(['rounds']));
    expect(Object.keys((listed.items as object[])[0])).not.toEqual(expect.arrayContaining(['history']));
    expect(undeclaredNulls(desk.document, 'TicketPageResponse', listed)).toEqual([]);
  });

  it('answers every action in a state that does not allow it with a 409 and its code, changing nothing', async () => {
    const fresh = (await create('states', ticket('beta', { type: '建议', summary: '建议增加夜间服务' }), 'manager2')).id;
    const refuse = async (state: string, user: Login, action: 'assign' | 'handle' | 'feedback', payload: unknown) => {
      const before = await detail('states');
      const response = await act(user, fresh, action, payload);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect({ state, action, refusal: refusal(response), version: (await detail('states')).version }).toEqual({ state, action, refusal: [409, expect.any(String), []], version: before.version });
      return body(response).code;
    };
    const handle = { handling: '已电话回复' };
    const feedback = (satisfaction: number) => ({ result: '反馈', satisfaction });
    expect(await refuse('created', 'manager2', 'handle', handle)).toBe('TICKET.NOT_ASSIGNED');
    expect(await refuse('created', 'manager2', 'feedback', feedback(5))).toBe('TICKET.NOT_HANDLED');
    await act('supervisor', fresh, 'assign', assignTo('manager1'));
    expect(await refuse('assigned', 'manager1', 'feedback', feedback(5))).toBe('TICKET.NOT_HANDLED');
    await act('manager1', fresh, 'handle', handle);
    expect(await refuse('handled', 'supervisor', 'assign', assignTo('manager2'))).toBe('TICKET.NOT_ASSIGNABLE');
    expect(await refuse('handled', 'manager1', 'handle', handle)).toBe('TICKET.ALREADY_HANDLED');
    expect(body(await act('manager2', fresh, 'feedback', feedback(4))).status).toBe('archived');
    expect(await refuse('archived', 'supervisor', 'assign', assignTo('manager2'))).toBe('TICKET.NOT_ASSIGNABLE');
    expect(await refuse('archived', 'manager1', 'handle', handle)).toBe('TICKET.ARCHIVED');
    expect(await refuse('archived', 'manager2', 'feedback', feedback(1))).toBe('TICKET.NOT_HANDLED');
    expect((await detail('states')).rounds).toHaveLength(1);
  });

  it('records one event per transition in the same transaction, each with the whole snapshot and the version its history row has', async () => {
    const { manager1, manager2, supervisor } = desk.users;
    const events = await outbox('main');
    expect(events.map((event) => event.type)).toEqual([
      TicketCreatedV1.type,
      TicketAssignedV1.type,
      TicketAssignedV1.type,
      TicketHandledV1.type,
      TicketReopenedV1.type,
      TicketHandledV1.type,
      TicketArchivedV1.type,
    ]);
    expect(events.map((event) => event.data.version)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(events.map((event) => event.data.status)).toEqual(['created', 'assigned', 'assigned', 'handled', 'assigned', 'handled', 'archived']);
    expect(events.map((event) => event.data.rounds.length)).toEqual([0, 0, 0, 1, 1, 2, 2]);
    expect(events.slice(1, 3).map((event) => [event.data.assignedBy.id, event.data.previousAssignee?.id ?? null, event.data.assignee?.id])).toEqual([
      [supervisor.id, null, manager1.id],
      [supervisor.id, manager1.id, manager2.id],
    ]);
    const shown = await detail('main');
    expect(events[6].data).toEqual({
      ticketId: tickets.main,
      version: 7,
      type: '投诉',
      summary: '叉车液压泄漏',
      customerId: 'acme',
      customerNo: 'KH202611290001',
      customerName: 'ACME 机械',
      request: shown.request,
      status: 'archived',
      createdBy: { id: manager1.id, name: manager1.name },
      createdAt: shown.createdAt,
      assignee: { id: manager2.id, name: manager2.name },
      assignedAt: shown.assignedAt,
      rounds: shown.rounds,
      satisfaction: 3,
      archivedAt: shown.archivedAt,
    });
    expect(events[4].data).toMatchObject({ status: 'assigned', satisfaction: 2, archivedAt: null, rounds: [expect.objectContaining({ round: 1, result: '仍有渗油', satisfaction: 2 })] });
    // Refusals recorded nothing: the tickets of the 409s have only their own transitions' events.
    expect((await outbox('states')).map((event) => event.type)).toEqual([TicketCreatedV1.type, TicketAssignedV1.type, TicketHandledV1.type, TicketArchivedV1.type]);
  });

  it('lets one of two simultaneous handlings win; the other is a 409 and leaves nothing behind', async () => {
    const id = (await create('race', ticket('beta', { type: '咨询', summary: '并发处理' }), 'manager2')).id;
    await act('supervisor', id, 'assign', assignTo('manager2'));
    const answers = await Promise.all([act('manager2', id, 'handle', { handling: '甲' }), act('manager2', id, 'handle', { handling: '乙' })]);
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([200, 409]);
    expect(['TICKET.ALREADY_HANDLED', 'TICKET.CONCURRENT_UPDATE']).toContain(body(answers.find((answer) => answer.statusCode === 409)!).code);
    const shown = await detail('race');
    expect([shown.version, (shown.rounds as unknown[]).length, (shown.history as unknown[]).length, (await outbox('race')).length]).toEqual([3, 1, 3, 3]);
  });

  (dialect === 'PostgreSQL' ? it : it.skip)('refuses a transition whose ticket changed between its read and its write (409 TICKET.CONCURRENT_UPDATE), writing nothing of it', async () => {
    const id = (await create('lost', ticket('beta', { type: '咨询', summary: '并发分配' }), 'manager2')).id;
    const service = desk.app.get(TicketsService) as unknown as { load(...args: unknown[]): Promise<Ticket> };
    const load = service.load.bind(service);
    let readIt!: () => void;
    let goOn!: () => void;
    const read = new Promise<void>((resolve) => (readIt = resolve));
    const winnerCommitted = new Promise<void>((resolve) => (goOn = resolve));
    jest.spyOn(service, 'load').mockImplementationOnce(async (...args) => {
      const ticket = await load(...args);
      readIt();
      await winnerCommitted;
      return ticket;
    });
    const losing = act('supervisor', id, 'assign', assignTo('manager2'));
    await read;
    // Another supervisor's assignment commits on another connection after that transaction read the ticket.
    const winner = await act('supervisor', id, 'assign', assignTo('manager1'));
    goOn();
    const loser = await losing;
    expect([winner?.statusCode, ...refusal(loser)]).toEqual([200, 409, 'TICKET.CONCURRENT_UPDATE', []]);
    const shown = await detail('lost');
    expect(shown).toMatchObject({ version: 2, assignee: { id: desk.users.manager1.id } });
    expect(await desk.orm.em.fork().count(TicketTransition, { ticket: id })).toBe(2);
    expect((await outbox('lost')).map((event) => event.data.version)).toEqual([1, 2]);
  });

  describe('the archive query (服务归档)', () => {
    // Company days in Asia/Shanghai (UTC+8): 2026-12-01 is [2026-11-30T16:00Z, 2026-12-01T16:00Z).
    const CREATED = {
      lastOf1130: '2026-11-30T15:59:59.999Z',
      firstOf1201: '2026-11-30T16:00:00.000Z',
      lastOf1201: '2026-12-01T15:59:59.999Z',
      firstOf1202: '2026-12-01T16:00:00.000Z',
    };
    /** The archive of this block's customers (whose names hold 档案), unless the query names a customer itself. */
    const archive = (query: string, user: Login = 'supervisor') =>
      call(user, 'GET', `/service-tickets?status=archived&${/customer(Name|Id)=/.test(query) ? '' : `customerName=${encodeURIComponent('档案')}&`}${query}`);
    const keysOf = (response: { json(): unknown }) => (body(response).items as { id: string }[]).map((item) => Object.keys(tickets).find((key) => tickets[key] === item.id));

    beforeAll(async () => {
      await customer('delta', 'Delta 档案馆', desk.users.manager1);
      await customer('epsilon', '华东档案中心', desk.users.manager2);
      const made: [keyof typeof CREATED, string, string, string][] = [
        ['lastOf1130', 'delta', '咨询', '保养周期咨询'],
        ['firstOf1201', 'delta', '投诉', '叉车 100% 漏油'],
        ['lastOf1201', 'epsilon', '建议', '增加夜间服务_建议'],
        ['firstOf1202', 'delta', '投诉', '液压泵噪音'],
      ];
      for (const [key, customerId, type, summary] of made) {
        const id = (await create(key, ticket(customerId, { type, summary }))).id;
        await act('supervisor', id, 'assign', assignTo(customerId === 'delta' ? 'manager1' : 'manager2'));
        await act(customerId === 'delta' ? 'manager1' : 'manager2', id, 'handle', { handling: '已处理' });
        expect(body(await act('manager1', id, 'feedback', { result: '满意', satisfaction: 4 })).status).toBe('archived');
        await desk.orm.em.fork().nativeUpdate(Ticket, { id }, { createdAt: new Date(CREATED[key]) });
      }
      await create('open', ticket('delta', { type: '投诉', summary: '液压泵噪音' })); // not archived
      await desk.orm.em.fork().nativeUpdate(Ticket, { id: tickets.open }, { createdAt: new Date('2026-12-01T08:00:00Z') });
    });

    it('finds archived tickets only, newest first, by the customer’s name and the summary (contains) and the type (exactly)', async () => {
      const all = await archive('');
      expect([all.statusCode, body(all).total, keysOf(all)]).toEqual([200, 4, ['firstOf1202', 'lastOf1201', 'firstOf1201', 'lastOf1130']]);
      expect(keysOf(await archive('', 'manager2'))).toEqual(['firstOf1202', 'lastOf1201', 'firstOf1201', 'lastOf1130']);
      expect(keysOf(await archive(`customerName=${encodeURIComponent('Delta')}`))).toEqual(['firstOf1202', 'firstOf1201', 'lastOf1130']);
      expect(keysOf(await archive(`summary=${encodeURIComponent('液压')}`))).toEqual(['firstOf1202']);
      expect(keysOf(await archive(`summary=${encodeURIComponent('100%')}`))).toEqual(['firstOf1201']);
      expect(keysOf(await archive(`summary=${encodeURIComponent('_建议')}`))).toEqual(['lastOf1201']);
      expect(keysOf(await archive(`summary=${encodeURIComponent('%')}&type=${encodeURIComponent('咨询')}`))).toEqual([]);
      expect(keysOf(await archive(`type=${encodeURIComponent('投诉')}`))).toEqual(['firstOf1202', 'firstOf1201']);
      expect(keysOf(await archive(`type=${encodeURIComponent('投')}`))).toEqual([]);
      expect(keysOf(await archive(`customerId=epsilon`))).toEqual(['lastOf1201']);
      expect(keysOf(await archive(`assigneeId=${desk.users.manager2.id}`))).toEqual(['lastOf1201']);
      const page = await archive('page=2&pageSize=3');
      expect([body(page).total, body(page).page, body(page).pageSize, keysOf(page)]).toEqual([4, 2, 3, ['lastOf1130']]);
      // Without status: the open ticket too.
      const everything = await call('supervisor', 'GET', `/service-tickets?customerName=${encodeURIComponent('档案')}&summary=${encodeURIComponent('液压泵')}`);
      expect(keysOf(everything)).toEqual(['firstOf1202', 'open']);
    });

    it('reads createdFrom and createdTo as the company’s calendar days, both inclusive', async () => {
      expect(keysOf(await archive('createdFrom=2026-12-01&createdTo=2026-12-01'))).toEqual(['lastOf1201', 'firstOf1201']);
      expect(keysOf(await archive('createdFrom=2026-12-01'))).toEqual(['firstOf1202', 'lastOf1201', 'firstOf1201']);
      expect(keysOf(await archive('createdTo=2026-11-30'))).toEqual(['lastOf1130']);
      expect(keysOf(await archive('createdFrom=2026-11-30&createdTo=2026-12-02'))).toEqual(['firstOf1202', 'lastOf1201', 'firstOf1201', 'lastOf1130']);
      expect(keysOf(await archive('createdFrom=2026-12-03'))).toEqual([]);
      expect(keysOf(await archive(`createdFrom=2026-12-01&createdTo=2026-12-01&type=${encodeURIComponent('投诉')}`))).toEqual(['firstOf1201']);
    });

    it('refuses bad filters with 400 field by field, never a 500', async () => {
      const refused = async (query: string) => refusal(await call('supervisor', 'GET', `/service-tickets?${query}`));
      expect(await refused('createdFrom=2026-02-30')).toEqual([400, 'VALIDATION.FAILED', ['createdFrom']]);
      expect(await refused('createdFrom=2026-12-02&createdTo=2026-12-01')).toEqual([400, 'VALIDATION.FAILED', ['createdTo']]);
      expect(await refused('createdFrom=yesterday&createdTo=2026-13-01')).toEqual([400, 'VALIDATION.FAILED', ['createdFrom', 'createdTo']]);
      expect(await refused('createdTo=2026-12-01T00:00:00Z')).toEqual([400, 'VALIDATION.FAILED', ['createdTo']]);
      expect(await refused('status=closed')).toEqual([400, 'VALIDATION.FAILED', ['status']]);
      expect(await refused('status=archived&status=created')).toEqual([400, 'VALIDATION.FAILED', ['status']]);
      expect(await refused('pageSize=101')).toEqual([400, 'VALIDATION.FAILED', ['pageSize']]);
      expect(await refused('page=0')).toEqual([400, 'VALIDATION.FAILED', ['page']]);
      expect(await refused(`summary=${'x'.repeat(201)}`)).toEqual([400, 'VALIDATION.FAILED', ['summary']]);
      expect(await refused('owner=me')).toEqual([400, 'VALIDATION.FAILED', ['owner']]);
    });
  });
});
