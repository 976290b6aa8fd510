import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InjectOptions } from 'fastify';
import {
  ChurnClosedV1,
  ChurnConfirmedV1,
  ChurnDeferredV1,
  CustomerUpdatedV1,
  type EventData,
  type EventDefinition,
  SalesOrderRecordedV1,
} from '@crm/contracts';
import { JobRun, OutboxMessage } from '@crm/messaging';
import type { DatabaseSettings } from '@crm/persistence';
import { publishCloudEvent, TestSubscriber, uniqueName, waitUntil } from '@crm/testing';
import { ChurnRecord } from '../src/churn/churn-record.entity';
import { Customer, type CustomerDetails } from '../src/customers/customer.entity';
import { CustomerOrderActivity } from '../src/orders/customer-order-activity.entity';
import { type CustomerApp, startCustomerApp, TestClock, USERS } from './support/customer-app';

/** Saturday 2026-12-05 02:00 in Shanghai: its six months began on 2026-06-05. */
const SATURDAY_0200 = new Date('2026-12-04T18:00:00.000Z');
const WEEK = 7 * 24 * 3600_000;
const HOUR = 3600_000;

const DATABASES: [string, () => DatabaseSettings][] = [
  ['SQLite', () => ({ DB_DRIVER: 'sqlite', DB_NAME: join(mkdtempSync(join(tmpdir(), 'crm-churn-')), 'customer.sqlite') })],
  ['PostgreSQL', () => ({ DB_DRIVER: 'postgresql', DB_URL: process.env.CRM_TEST_PG_URL, DB_SCHEMA: uniqueName('churn').replace(/[^a-z0-9]/g, '_') })],
];

/** Every field marked * (a supervisor's reassignment saves the customer, which must then be complete). */
const COMPLETE: Omit<CustomerDetails, 'name'> = {
  region: '华东',
  level: '大客户',
  satisfaction: 4,
  credit: 4,
  address: '上海市浦东新区 1 号',
  zip: '200120',
  phone: '021-5555 0101',
  fax: null,
  website: null,
  licenceNo: null,
  legalPerson: '张三',
  registeredCapital: null,
  annualTurnover: null,
  bank: '工商银行',
  bankAccount: '6222 0000',
  localTaxNo: 'L-1',
  nationalTaxNo: 'N-1',
};

type Order = EventData<typeof SalesOrderRecordedV1>;

/**
 * Churn (requirements §2.5) through the customer service itself: its HTTP API with each role, the
 * warning scan an admin runs on demand, orders arriving as real events over RabbitMQ, the events
 * it records — on a clock the test moves. The cases build on each other, as a season of churn would.
 */
describe.each(DATABASES)('churn records on %s', (_dialect, databaseFor) => {
  // Wednesday: the schedule's first tick at start finds nothing due.
  const clock = new TestClock(new Date(SATURDAY_0200.getTime() - 3 * 24 * HOUR));
  let service: CustomerApp;
  let subscriber: TestSubscriber;
  let sequence = 0;
  const customers: Record<string, Customer> = {};
  const recordOf: Record<string, string> = {};

  beforeAll(async () => {
    service = await startCustomerApp(databaseFor(), clock);
    subscriber = await TestSubscriber.bind({ exchange: service.exchange, pattern: 'customer.#' });
  });

  afterAll(async () => {
    await subscriber?.close();
    await service?.close();
  });

  const call = (user: keyof typeof USERS | null, method: InjectOptions['method'], url: string, payload?: object) =>
    service.app.inject({ method, url: `/api/v1${url}`, headers: user ? { authorization: `Bearer ${user}` } : {}, ...(payload ? { payload } : {}) });

  async function addCustomer(key: string, name: string, manager: keyof typeof USERS, customerNo = `KH20261201${String(++sequence).padStart(4, '0')}`): Promise<Customer> {
    const user = USERS[manager];
    const customer = new Customer(customerNo, { name, ...COMPLETE }, user, user);
    await service.orm.em.fork().persist(customer).flush();
    customers[key] = customer;
    return customer;
  }

  /** Publishes an order as the sales bridge would and waits until the customer service applied it. */
  async function order(customerNo: string, orderNo: string, orderDate: string, statusCode = 6): Promise<void> {
    const data: Order = {
      orderId: orderNo,
      version: 1,
      orderNo,
      customerNo,
      orderDate,
      statusCode,
      status: statusCode === 5 ? 'shipped' : statusCode === 6 ? 'paid' : 'open',
      deliveryAddress: null,
      totalAmount: 1200.5,
      lineCount: 2,
      observedAt: clock.now().toISOString(),
    };
    const id = await publishCloudEvent(service.exchange, SalesOrderRecordedV1.type, SalesOrderRecordedV1.data.parse(data), { source: SalesOrderRecordedV1.source });
    await waitUntil(() => service.handled('order-activity', id), 15_000, () => `order ${orderNo} not applied`);
  }

  const activity = (customerNo: string) => service.orm.em.fork().findOne(CustomerOrderActivity, { customerNo });
  const record = (key: string) => service.orm.em.fork().findOneOrFail(ChurnRecord, recordOf[key], { populate: ['measures'] });
  async function recorded<D extends EventDefinition>(definition: D, subject: string): Promise<EventData<D>[]> {
    const rows = await service.orm.em.fork().find(OutboxMessage, { type: definition.type, subject }, { orderBy: { seq: 'asc' } });
    return rows.map((row) => definition.data.parse(row.data) as EventData<D>);
  }
  const scan = (user: keyof typeof USERS = 'admin') => call(user, 'POST', '/churn-records/scan');

  it('runs the warning scan on an admin’s demand, telling how many it created; orders of every status count, kept by customer number', async () => {
    await addCustomer('acme', 'ACME 机械', 'manager1');
    await addCustomer('beta', 'Beta 贸易', 'manager1');
    await addCustomer('delta', 'Delta 电子', 'manager2');
    await order(customers.beta.customerNo, 'SO-10', '2026-05-20');
    await order(customers.delta.customerNo, 'SO-11', '2026-11-20', 1); // not shipped yet: an order all the same
    await order('KH209912310001', 'SO-12', '2026-12-01'); // a customer this service does not have (yet)
    expect(await activity('KH209912310001')).toMatchObject({ lastOrderDate: '2026-12-01', lastOrderNo: 'SO-12' });

    for (const user of ['manager1', 'supervisor', 'executive'] as const) {
      const refused = await scan(user);
      expect([user, refused.statusCode, refused.json().code]).toEqual([user, 403, 'AUTH.FORBIDDEN']);
    }
    clock.current = SATURDAY_0200;
    const first = await scan();
    expect([first.statusCode, first.json()]).toEqual([200, { created: 2 }]);

    // A week later: a new customer is warned, the open warnings are not repeated, and the customer
    // whose order arrived before it existed here is not warned: its order counts.
    await addCustomer('gamma', 'Gamma 科技', 'manager2');
    await addCustomer('zeta', 'Zeta 食品', 'manager2', 'KH209912310001');
    clock.current = new Date(SATURDAY_0200.getTime() + WEEK);
    expect((await scan()).json()).toEqual({ created: 1 });
    expect((await scan()).json()).toEqual({ created: 0 });
    const runs = await service.orm.em.fork().find(JobRun, { job: 'churn-scan' });
    expect(runs.map((run) => [run.outcome, run.runKey.startsWith('manual:')])).toEqual(Array(3).fill(['succeeded', true]));

    const all = (await call('supervisor', 'GET', '/churn-records')).json();
    for (const item of all.items) recordOf[Object.keys(customers).find((key) => customers[key].id === item.customer.id)!] = item.id;
    expect(Object.keys(recordOf).sort()).toEqual(['acme', 'beta', 'gamma']);
  });

  it('lists newest warning first: a manager their customers’ records, supervisors, executives and admins all', async () => {
    const list = async (user: keyof typeof USERS, query = '') => {
      const response = await call(user, 'GET', `/churn-records${query}`);
      expect(response.statusCode).toBe(200);
      return response.json();
    };
    const names = (page: { items: { customer: { name: string } }[] }) => page.items.map((item) => item.customer.name);

    for (const user of ['supervisor', 'executive', 'admin'] as const) {
      expect(names(await list(user))).toEqual(['Gamma 科技', expect.any(String), expect.any(String)]);
    }
    const page = await list('supervisor');
    expect(page).toMatchObject({ total: 3, page: 1, pageSize: 20 });
    expect(page.items.find((item: { customer: { name: string } }) => item.customer.name === 'Beta 贸易')).toEqual({
      id: recordOf.beta,
      customer: { id: customers.beta.id, customerNo: customers.beta.customerNo, name: 'Beta 贸易' },
      manager: { id: USERS.manager1.id, name: USERS.manager1.name },
      lastOrderDate: '2026-05-20',
      warnedAt: SATURDAY_0200.toISOString(),
      status: 'warning',
      measures: [],
      reason: null,
      confirmedAt: null,
      closedAt: null,
      closedByOrderNo: null,
      version: 1,
    });
    expect(page.items[0]).toMatchObject({ lastOrderDate: null, warnedAt: new Date(SATURDAY_0200.getTime() + WEEK).toISOString() });

    expect(names(await list('manager1')).sort()).toEqual(['ACME 机械', 'Beta 贸易']);
    expect(names(await list('manager2'))).toEqual(['Gamma 科技']);
    // A manager asking for another manager's customers gets an empty page (never theirs to see).
    expect(await list('manager1', `?managerId=${USERS.manager2.id}`)).toMatchObject({ items: [], total: 0 });
    expect(names(await list('manager1', `?managerId=${USERS.manager1.id}`))).toHaveLength(2);
    expect(names(await list('supervisor', `?managerId=${USERS.manager2.id}`))).toEqual(['Gamma 科技']);
    expect(names(await list('supervisor', `?customerName=${encodeURIComponent('贸易')}`))).toEqual(['Beta 贸易']);
    expect(names(await list('supervisor', `?customerName=${encodeURIComponent('贸易')}&managerId=${USERS.manager2.id}`))).toEqual([]);
    expect(await list('supervisor', '?status=deferred')).toMatchObject({ items: [], total: 0 });
    expect(await list('supervisor', '?pageSize=2&page=2')).toMatchObject({ total: 3, page: 2, pageSize: 2, items: [expect.anything()] });
    for (const query of ['?status=lost', '?pageSize=101', '?colour=red']) {
      expect([query, (await call('supervisor', 'GET', `/churn-records${query}`)).statusCode]).toEqual([query, 400]);
    }

    expect((await call('manager1', 'GET', `/churn-records/${recordOf.acme}`)).json()).toMatchObject({ id: recordOf.acme, status: 'warning' });
    expect((await call('executive', 'GET', `/churn-records/${recordOf.acme}`)).statusCode).toBe(200);
    const foreign = await call('manager2', 'GET', `/churn-records/${recordOf.acme}`);
    expect([foreign.statusCode, foreign.json().code]).toEqual([403, 'CHURN.NOT_MANAGER']);
    expect(foreign.headers['content-type']).toContain('application/problem+json');
    expect((await call('supervisor', 'GET', '/churn-records/no-such-record')).json()).toMatchObject({ status: 404, code: 'CHURN.NOT_FOUND' });
    expect((await call(null, 'GET', '/churn-records')).statusCode).toBe(401);
  });

  it('lets the customer’s manager append measures again and again (→ deferred), each kept with its time and author; no one else', async () => {
    const url = `/churn-records/${recordOf.acme}/measures`;
    for (const user of ['supervisor', 'executive', 'admin'] as const) {
      expect([user, (await call(user, 'POST', url, { measure: 'Call them' })).json().code]).toEqual([user, 'AUTH.FORBIDDEN']);
    }
    const foreign = await call('manager2', 'POST', url, { measure: 'Call them' });
    expect([foreign.statusCode, foreign.json().code]).toEqual([403, 'CHURN.NOT_MANAGER']);
    for (const body of [{}, { measure: '   ' }, { measure: 'x'.repeat(501) }, { measure: 'ok', status: 'confirmed' }]) {
      const invalid = await call('manager1', 'POST', url, body);
      expect([invalid.statusCode, invalid.json().code]).toEqual([400, 'VALIDATION.FAILED']);
    }
    expect((await call('manager1', 'POST', url, { measure: '' })).json().errors).toEqual([{ field: 'measure', message: expect.any(String) }]);
    expect((await record('acme')).status).toBe('warning');

    const visitAt = new Date(clock.current.getTime() + HOUR);
    clock.current = visitAt;
    const first = await call('manager1', 'POST', url, { measure: '  Visit the buyer  ' });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ status: 'deferred', version: 2, measures: [{ measure: 'Visit the buyer', at: visitAt.toISOString(), by: { id: USERS.manager1.id, name: USERS.manager1.name } }] });
    clock.current = new Date(visitAt.getTime() + HOUR);
    const second = (await call('manager1', 'POST', url, { measure: 'Offer a service contract' })).json();
    expect(second).toMatchObject({ status: 'deferred', version: 3 });
    expect(second.measures.map((m: { measure: string }) => m.measure)).toEqual(['Visit the buyer', 'Offer a service contract']);

    const deferred = await recorded(ChurnDeferredV1, recordOf.acme);
    expect(deferred.map((event) => [event.version, event.status, event.measures.length])).toEqual([
      [2, 'deferred', 1],
      [3, 'deferred', 2],
    ]);
  });

  it('confirms only with a measure and a reason: the record confirmed and the customer churned together, then read only', async () => {
    const noMeasure = await call('manager1', 'POST', `/churn-records/${recordOf.beta}/confirm`, { reason: 'Gone' });
    expect([noMeasure.statusCode, noMeasure.json().code]).toEqual([409, 'CHURN.NO_MEASURE']);
    const url = `/churn-records/${recordOf.acme}/confirm`;
    for (const body of [{}, { reason: '' }, { reason: ' \t ' }]) {
      const invalid = await call('manager1', 'POST', url, body);
      expect([invalid.statusCode, invalid.json().code, invalid.json().errors?.[0]?.field]).toEqual([400, 'VALIDATION.FAILED', 'reason']);
    }
    expect((await call('manager2', 'POST', url, { reason: 'Gone' })).json().code).toBe('CHURN.NOT_MANAGER');
    expect((await call('supervisor', 'POST', url, { reason: 'Gone' })).json().code).toBe('AUTH.FORBIDDEN');
    expect((await record('acme')).status).toBe('deferred');

    clock.current = new Date(clock.current.getTime() + HOUR);
    const confirmed = await call('manager1', 'POST', url, { reason: 'Moved to a competitor' });
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.json()).toMatchObject({ status: 'confirmed', reason: 'Moved to a competitor', confirmedAt: clock.current.toISOString(), version: 4 });
    expect((await call('executive', 'GET', `/customers/${customers.acme.id}`)).json()).toMatchObject({ status: 'churned' });

    const [churn] = await recorded(ChurnConfirmedV1, recordOf.acme);
    expect(churn).toMatchObject({ status: 'confirmed', version: 4, reason: 'Moved to a competitor', measures: [expect.anything(), expect.anything()] });
    const [update] = await recorded(CustomerUpdatedV1, customers.acme.id);
    expect(update).toMatchObject({ status: 'churned', changedFields: ['status'], changedBy: { id: USERS.manager1.id }, version: 2 });
    // Both published by the relay to whoever subscribes.
    await waitUntil(
      () => ['customer.churn.confirmed.v1', 'customer.customer.updated.v1'].every((type) => subscriber.messages.some((m) => m.routingKey === type)),
      10_000,
      () => `published: ${subscriber.messages.map((m) => m.routingKey).join(', ')}`,
    );

    for (const [path, body] of [['measures', { measure: 'One more try' }], ['confirm', { reason: 'Again' }]] as const) {
      const late = await call('manager1', 'POST', `/churn-records/${recordOf.acme}/${path}`, body);
      expect([path, late.statusCode, late.json().code]).toEqual([path, 409, 'CHURN.NOT_OPEN']);
    }
    for (const user of ['manager1', 'supervisor'] as const) {
      const edit = await call(user, 'PATCH', `/customers/${customers.acme.id}`, { phone: '021-5555 0102' });
      expect([user, edit.statusCode, edit.json().code]).toEqual([user, 409, 'CUSTOMER.NOT_NORMAL']);
    }
    // A churned customer is not warned again.
    expect((await scan()).json()).toEqual({ created: 0 });
  });

  it('closes an open warning when the customer turns out to have ordered within its six months; an older order closes nothing', async () => {
    // Beta was warned on 2026-12-05 (company date): its six months began on 2026-06-05.
    await order(customers.beta.customerNo, 'SO-20', '2026-06-04');
    expect(await activity(customers.beta.customerNo)).toMatchObject({ lastOrderDate: '2026-06-04', lastOrderNo: 'SO-20' });
    expect((await record('beta')).status).toBe('warning');

    clock.current = new Date(clock.current.getTime() + HOUR);
    await order(customers.beta.customerNo, 'SO-21', '2026-06-05');
    expect(await record('beta')).toMatchObject({ status: 'closed', closedByOrderNo: 'SO-21', closedAt: clock.current, openKey: recordOf.beta });
    const [closed] = await recorded(ChurnClosedV1, recordOf.beta);
    expect(closed).toMatchObject({ status: 'closed', closedByOrderNo: 'SO-21', version: 2, closedAt: clock.current.toISOString() });
    // Orders arrive in any order: an older one after a newer one leaves the latest date alone.
    await order(customers.beta.customerNo, 'SO-05', '2026-01-10');
    expect(await activity(customers.beta.customerNo)).toMatchObject({ lastOrderDate: '2026-06-05', lastOrderNo: 'SO-21' });
    expect((await call('manager1', 'POST', `/churn-records/${recordOf.beta}/measures`, { measure: 'Too late' })).json().code).toBe('CHURN.NOT_OPEN');

    // A deferred record closes the same way, on a reorder dated after its warning.
    expect((await call('manager2', 'POST', `/churn-records/${recordOf.gamma}/measures`, { measure: 'Send samples' })).statusCode).toBe(200);
    await order(customers.gamma.customerNo, 'SO-30', '2026-12-14', 2);
    expect(await record('gamma')).toMatchObject({ status: 'closed', closedByOrderNo: 'SO-30' });
    expect((await call('manager2', 'GET', `/churn-records/${recordOf.gamma}`)).json()).toMatchObject({ status: 'closed', closedByOrderNo: 'SO-30', measures: [{ measure: 'Send samples' }] });
    // The next scan (a week after Beta's warning) measures six months from its own date: Gamma's
    // order is recent, Beta's of 2026-06-05 is now more than six months old — a new warning.
    expect((await scan()).json()).toEqual({ created: 1 });
    const open = (await call('supervisor', 'GET', '/churn-records?status=warning')).json();
    expect(open.items.map((item: { customer: { name: string }; lastOrderDate: string }) => [item.customer.name, item.lastOrderDate])).toEqual([['Beta 贸易', '2026-06-05']]);
    expect(open.items[0].id).not.toBe(recordOf.beta);
  });

  it('follows the customer’s current manager: a reassigned customer’s record is the new manager’s to see and handle', async () => {
    await addCustomer('epsilon', 'Epsilon 物流', 'manager1');
    clock.current = new Date(SATURDAY_0200.getTime() + 2 * WEEK);
    expect((await scan()).json()).toEqual({ created: 1 });
    recordOf.epsilon = (await service.orm.em.fork().findOneOrFail(ChurnRecord, { customerId: customers.epsilon.id })).id;

    const reassigned = await call('supervisor', 'PATCH', `/customers/${customers.epsilon.id}`, { managerId: USERS.manager2.id });
    expect(reassigned.statusCode).toBe(200);
    const newManager = reassigned.json().manager;
    expect(newManager.id).toBe(USERS.manager2.id);

    expect((await call('manager1', 'GET', `/churn-records/${recordOf.epsilon}`)).statusCode).toBe(403);
    expect((await call('manager1', 'POST', `/churn-records/${recordOf.epsilon}/measures`, { measure: 'Mine?' })).statusCode).toBe(403);
    const listed = (await call('manager2', 'GET', '/churn-records?status=warning')).json();
    expect(listed.items).toEqual([expect.objectContaining({ id: recordOf.epsilon, manager: newManager })]);
    const ofManager1 = (await call('supervisor', 'GET', `/churn-records?managerId=${USERS.manager1.id}&status=warning`)).json();
    expect(ofManager1.items.map((item: { customer: { name: string } }) => item.customer.name)).toEqual(['Beta 贸易']);

    const deferred = await call('manager2', 'POST', `/churn-records/${recordOf.epsilon}/measures`, { measure: 'Introduce myself' });
    expect(deferred.json()).toMatchObject({ status: 'deferred', manager: newManager });
    const [event] = await recorded(ChurnDeferredV1, recordOf.epsilon);
    expect(event.manager).toEqual(newManager);
    expect(await record('epsilon')).toMatchObject({ managerId: USERS.manager2.id, managerName: newManager.name });
  });
});
