import { randomUUID } from 'node:crypto';
import { CustomerCreatedV1, CustomerUpdatedV1, type EventData, type UserRef } from '@crm/contracts';
import { topologyNames } from '@crm/messaging';
import { peekQueue, publishCloudEvent } from '@crm/testing';
import { CustomerCopy, type CustomerRef } from '../src';
import { startTicketDeskApp } from './fixtures/ticket-desk-app';
import { type CopyApp, COPY_TEST_DATABASES, copyTestOptions } from './fixtures/copy-app';

type Snapshot = Omit<EventData<typeof CustomerUpdatedV1>, 'changedFields' | 'changedBy'>;

const ZHANG: UserRef = { id: 'mgr-zhang', name: '张经理' };
const LI: UserRef = { id: 'mgr-li', name: '李经理' };
const SUPERVISOR: UserRef = { id: 'sup-wang', name: '王主管' };
const CREATED_AT = '2026-03-02T01:00:00.000Z';

/** The customer as the owner publishes it, at a version; later versions override fields. */
const customer = (customerId: string, customerNo: string, version: number, changes: Partial<Snapshot> = {}): Snapshot => ({
  customerId,
  version,
  customerNo,
  name: '北京睿智科技有限公司',
  manager: ZHANG,
  region: '北京',
  level: '大客户',
  credit: 4,
  satisfaction: 5,
  status: 'normal',
  createdAt: CREATED_AT,
  updatedAt: new Date(Date.parse(CREATED_AT) + version * 60_000).toISOString(),
  ...changes,
});

/**
 * A service's copy of customers, kept from real CloudEvents on a real RabbitMQ, read through the
 * HTTP endpoints of a miniature service desk. The cases build on each other, as the owner's
 * changes would arrive.
 */
describe.each(COPY_TEST_DATABASES)('the customer copy on %s', (_driver, databaseFor) => {
  const options = copyTestOptions('custcopy');
  const db = databaseFor(options.service);
  let desk: CopyApp;

  beforeAll(async () => {
    desk = await startTicketDeskApp(options, db);
  });

  afterAll(() => desk?.close());

  /** Publishes as the customer service's relay would; each returns the event id. */
  const created = (snapshot: Snapshot, id = randomUUID()) => {
    const data = CustomerCreatedV1.data.parse({ ...snapshot, sourceOpportunityId: null, createdBy: snapshot.manager });
    return publishCloudEvent(options.exchange, CustomerCreatedV1.type, data, { id, source: CustomerCreatedV1.source });
  };
  const updated = (snapshot: Snapshot, changedFields: string[], id = randomUUID()) => {
    const data = CustomerUpdatedV1.data.parse({ ...snapshot, changedFields, changedBy: SUPERVISOR });
    return publishCloudEvent(options.exchange, CustomerUpdatedV1.type, data, { id, source: CustomerUpdatedV1.source });
  };
  const handled = (ids: string[]) => desk.handled(ids);
  const byId = async (id: string) => {
    const response = await desk.app.inject({ method: 'GET', url: `/customers/${encodeURIComponent(id)}` });
    expect(response.statusCode).toBe(200);
    return (response.json() as { customer: CustomerRef | null }).customer;
  };
  const byNumber = async (customerNo: string) => {
    const response = await desk.app.inject({ method: 'GET', url: `/customers?no=${encodeURIComponent(customerNo)}` });
    expect(response.statusCode).toBe(200);
    return (response.json() as { customer: CustomerRef | null }).customer;
  };
  const namesOf = async (ids: string[]) => {
    const response = await desk.app.inject({ method: 'POST', url: '/customer-names', payload: { ids } });
    expect(response.statusCode).toBe(200);
    return response.json() as Record<string, string>;
  };
  const openTicket = (customerNo: string) => desk.app.inject({ method: 'POST', url: '/tickets', payload: { customerNo } });
  const copyRow = (customerId: string) => desk.orm.em.fork().findOneOrFail(CustomerCopy, { customerId });

  it('knows a created customer, then follows its update', async () => {
    await handled([
      await created(customer('c-1', 'KH20260302001', 1, { name: '北京睿智科技' })),
      await created(customer('c-2', 'KH20260302002', 1, { name: '上海远航贸易', region: '上海', level: '普通客户', credit: null, satisfaction: null })),
    ]);
    expect(await byId('c-1')).toEqual({
      id: 'c-1',
      customerNo: 'KH20260302001',
      name: '北京睿智科技',
      manager: ZHANG,
      region: '北京',
      level: '大客户',
      credit: 4,
      satisfaction: 5,
      status: 'normal',
      updatedAt: '2026-03-02T01:01:00.000Z',
    });
    expect(await byId('c-2')).toMatchObject({ name: '上海远航贸易', region: '上海', credit: null, satisfaction: null });
    expect((await openTicket('KH20260302001')).json()).toEqual({ customerId: 'c-1', customerName: '北京睿智科技' });

    await handled([await updated(customer('c-1', 'KH20260302001', 2, { name: '北京睿智科技有限公司', credit: 5 }), ['name', 'credit'])]);
    expect(await byId('c-1')).toMatchObject({ name: '北京睿智科技有限公司', credit: 5, updatedAt: '2026-03-02T01:02:00.000Z' });
    expect((await openTicket('KH20260302001')).json()).toEqual({ customerId: 'c-1', customerName: '北京睿智科技有限公司' });
    expect(await copyRow('c-1')).toMatchObject({ sourceVersion: 2 });
  });

  it('ignores an older update delivered after a newer one, and a late creation', async () => {
    // The customer churns (v4) before its edit (v3) is delivered, and its creation arrives last.
    await handled([await updated(customer('c-1', 'KH20260302001', 4, { name: '北京睿智科技有限公司', credit: 5, status: 'churned' }), ['status'])]);
    await handled([await updated(customer('c-1', 'KH20260302001', 3, { name: '睿智(旧名)', credit: 5 }), ['name'])]);
    await handled([await created(customer('c-1', 'KH20260302001', 1, { name: '北京睿智科技' }))]);

    expect(await byId('c-1')).toMatchObject({ name: '北京睿智科技有限公司', status: 'churned' });
    expect(await copyRow('c-1')).toMatchObject({ sourceVersion: 4 });
    const refused = await openTicket('KH20260302001');
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'TICKET.CUSTOMER_NOT_NORMAL' });
  });

  it('applies an event delivered twice only once (inbox, by CloudEvents id)', async () => {
    const id = randomUUID();
    const renamed = customer('c-2', 'KH20260302002', 2, { name: '上海远航国际贸易', region: '上海', level: '普通客户' });
    await handled([await updated(renamed, ['name'], id)]);
    // The same delivery again, and the same id with newer content: only the inbox, not the version check, can stop the latter.
    await updated(renamed, ['name'], id);
    await updated({ ...renamed, version: 3, name: '远航' }, ['name'], id);
    // With one message in flight at a time, the marker is handled after both.
    await handled([await created(customer('c-3', 'KH20260303001', 1, { name: '广州南方电子' }))]);

    expect(await byId('c-2')).toMatchObject({ name: '上海远航国际贸易' });
    expect(await copyRow('c-2')).toMatchObject({ sourceVersion: 2 });
  });

  it('looks customers up by number and by ids, exactly, answering nothing for unknown ones', async () => {
    expect(await byNumber('KH20260303001')).toMatchObject({ id: 'c-3', name: '广州南方电子', status: 'normal' });
    expect(await byNumber('KH20260309999')).toBeNull();
    expect(await byNumber('kh20260303001')).toBeNull();
    expect(await byId('c-404')).toBeNull();
    expect(await namesOf(['c-3', 'c-1', 'c-404', 'c-3'])).toEqual({ 'c-1': '北京睿智科技有限公司', 'c-3': '广州南方电子' });
    expect(await namesOf([])).toEqual({});

    const unknown = await openTicket('KH20260309999');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ code: 'TICKET.UNKNOWN_CUSTOMER' });
  });

  it('follows a customer reassigned to another manager', async () => {
    await handled([await updated(customer('c-3', 'KH20260303001', 2, { name: '广州南方电子', manager: LI }), ['manager'])]);

    expect((await byNumber('KH20260303001'))?.manager).toEqual(LI);
    const rows = await desk.orm.em.fork().find(CustomerCopy, { managerId: LI.id });
    expect(rows.map((row) => row.customerId)).toEqual(['c-3']);
    expect(await copyRow('c-3')).toMatchObject({ managerId: LI.id, managerName: '李经理', sourceVersion: 2 });
  });

  it('fills in a customer it never saw from a republish, and ignores a republish of the version it holds', async () => {
    // As POST /customers/republish records them: changedFields [], the current version.
    await handled([await updated(customer('c-4', 'KH20260101001', 7, { name: '深圳创新科技' }), [])]);
    expect(await byNumber('KH20260101001')).toMatchObject({ id: 'c-4', name: '深圳创新科技' });

    await handled([await updated(customer('c-3', 'KH20260303001', 2, { name: '广州南方电子', manager: ZHANG }), [])]);
    expect((await byId('c-3'))?.manager).toEqual(LI);
    // Nothing went wrong along the way.
    expect(await peekQueue(topologyNames(options).deadLetterQueue)).toEqual([]);
  });
});
