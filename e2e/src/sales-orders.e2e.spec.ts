import { eventsExchangeArguments } from '@crm/messaging';
import { PrivatePostgres, TestSubscriber, testAmqpUrl, uniqueName, waitUntil } from '@crm/testing';
import { ApiClient, RunningSystem, startCrm } from './support/crm-system';
import { SalesSystemWriter } from './support/sales-system-writer';

// The demo seed is plain JavaScript shared with `npm start`.
// eslint-disable-next-line @typescript-eslint/no-require-imports, @nx/enforce-module-boundaries
const { seedDemo } = require('../../tools/system/demo-seed.js') as { seedDemo(options: Record<string, unknown>): Promise<DemoSeed> };

interface DemoSeed {
  seeded: boolean;
  customers: { name: string; manager: string }[];
  customerNos: string[];
  plan: { cutoff: string; neverOrdered: string[]; stale: string[]; active: string[] };
}

/** The sales system of these tests: a PostgreSQL server of their own, so that it can go down. */
const SALES_PORT = 5497;
const SALES_SCHEMA = 'sales';

/**
 * The sales-system bridge end to end (requirements §2.4, §5; contract "Customers" orders, "Base
 * data"): demo customers made through the customer service, a generated sales system for them on
 * a database server (as in production), products, inventory and order history through the
 * gateway, the sales system going down (503 there, nothing else stops), and a change in the sales
 * system reaching subscribers once.
 */
describe('sales-system bridge end to end', () => {
  const exchange = uniqueName('crm.events.e2e-sales');
  let system: RunningSystem;
  let api: ApiClient;
  let subscriber: TestSubscriber;
  let churnEvents: TestSubscriber;
  let demo: DemoSeed;
  let salesDb: PrivatePostgres;
  const openSales = () => SalesSystemWriter.open(salesDb.url, SALES_SCHEMA);
  /** Customer id by customer number, from the customer service. */
  const idOf = new Map<string, string>();

  beforeAll(async () => {
    subscriber = await TestSubscriber.bind({ exchange, pattern: 'sales.#', exchangeArguments: eventsExchangeArguments({ service: 'sales-bridge', exchange }) });
    churnEvents = await TestSubscriber.bind({ exchange, pattern: 'customer.churn.#', exchangeArguments: eventsExchangeArguments({ service: 'sales-bridge', exchange }) });
    salesDb = await PrivatePostgres.start(SALES_PORT);
    system = await startCrm({
      amqpUrl: testAmqpUrl(),
      exchange,
      env: { RATE_LIMIT_MAX: '10000', ORDER_SYNC_POLL_MS: '200' },
      serviceEnvOf: { 'sales-bridge': { SALES_DB_DRIVER: 'postgresql', SALES_DB_URL: salesDb.url, SALES_DB_SCHEMA: SALES_SCHEMA, SALES_DB_TIMEOUT_MS: '2000' } },
    });
    api = new ApiClient(system);
    demo = await seedDemo({ urls: system.urls, salesTarget: { driver: 'postgresql', url: salesDb.url, schema: SALES_SCHEMA }, customers: 30, orders: 400, seed: 'e2e-sales' });
    // The bridge tried the sales system before it existed; it tries again a moment later.
    await waitUntil(async () => (await api.call('manager1', 'GET', '/products')).status === 200, 15_000);
    for (let page = 1; idOf.size < demo.customerNos.length; page++) {
      const { body } = await api.call('admin', 'GET', `/customers?page=${page}&pageSize=100`);
      for (const customer of body.items) idOf.set(customer.customerNo, customer.id);
      if (body.items.length < 100) break;
    }
  }, 180_000);

  afterAll(async () => {
    await system?.stop();
    await subscriber?.close();
    await churnEvents?.close();
    await salesDb?.stop();
  });

  /** A customer that has shipped or paid orders, and its orders as the sales system holds them. */
  const activeCustomer = async () => {
    const writer = await openSales();
    try {
      const customerNo = demo.plan.active[0];
      const orders = await writer.query<{ id: number; date: string; status: number }>(
        `select "id" as id, to_char("date", 'YYYY-MM-DD') as date, "status" as status from {orders} where "customer_no" = ? order by "date" desc, "id" desc`,
        [customerNo],
      );
      return { customerNo, id: idOf.get(customerNo)!, orders };
    } finally {
      await writer.close();
    }
  };

  it('made the demo customers through the customer service, spread over manager1 and manager2', async () => {
    expect(demo.seeded).toBe(true);
    expect(new Set(demo.customers.map((customer) => customer.manager))).toEqual(new Set(['manager1', 'manager2']));
    expect(demo.plan.neverOrdered.length).toBeGreaterThan(0);
    expect(demo.plan.stale.length).toBeGreaterThan(0);
    expect([...idOf.keys()]).toEqual(expect.arrayContaining(demo.customerNos));
    // Seeding again finds the customers and the sales system in place and changes nothing.
    const again = await seedDemo({ urls: system.urls, salesTarget: { driver: 'postgresql', url: salesDb.url, schema: SALES_SCHEMA }, customers: 30, orders: 400, seed: 'e2e-sales' });
    expect(again.seeded).toBe(false);
    expect((await api.call('admin', 'GET', '/customers?pageSize=1')).body.total).toBe(idOf.size);
  });

  it('finds products by name, model and batch, paged, for managers and supervisors only', async () => {
    const all = await api.call('manager1', 'GET', '/products?pageSize=5');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ page: 1, pageSize: 5, items: expect.any(Array) });
    expect(all.body.items).toHaveLength(5);
    expect(all.body.total).toBeGreaterThan(5);
    const sample = all.body.items[2];
    const byModel = await api.call('supervisor', 'GET', `/products?model=${encodeURIComponent(sample.model)}&name=${encodeURIComponent(sample.name.slice(0, 2))}`);
    expect(byModel.body.items.map((p: { id: number }) => p.id)).toContain(sample.id);
    expect(byModel.body.items.every((p: { model: string; name: string }) => p.model.includes(sample.model) && p.name.includes(sample.name.slice(0, 2)))).toBe(true);
    const byBatch = await api.call('manager2', 'GET', `/products?batch=${encodeURIComponent(sample.batch)}&pageSize=100`);
    expect(byBatch.body.items.every((p: { batch: string }) => p.batch.includes(sample.batch))).toBe(true);
    expect((await api.call('executive', 'GET', '/products')).status).toBe(403);
    expect((await api.call('manager1', 'GET', '/products?pageSize=101')).status).toBe(400);
  });

  it('lists inventory by product and warehouse, paged', async () => {
    const all = await api.call('manager1', 'GET', '/inventory?pageSize=100');
    expect(all.status).toBe(200);
    const row = all.body.items[0];
    expect(row).toMatchObject({ product: { id: expect.any(Number), name: expect.any(String) }, warehouse: expect.any(String), quantity: expect.any(Number) });
    const filtered = await api.call('supervisor', 'GET', `/inventory?warehouse=${encodeURIComponent(row.warehouse)}&product=${encodeURIComponent(row.product.name)}`);
    expect(filtered.body.items.length).toBeGreaterThan(0);
    expect(filtered.body.items.every((r: { warehouse: string; product: { name: string } }) => r.warehouse.includes(row.warehouse) && r.product.name.includes(row.product.name))).toBe(true);
    expect(filtered.body.total).toBeLessThanOrEqual(all.body.total);
  });

  it('shows a customer’s shipped and paid orders only, newest first, paged, to every role', async () => {
    const { id, orders } = await activeCustomer();
    const history = orders.filter((order) => order.status === 5 || order.status === 6);
    expect(history.length).toBeGreaterThan(0);
    // The bridge knows the customer from its copy, kept from the customer service's events.
    await waitUntil(async () => (await api.call('executive', 'GET', `/customers/${id}/orders`)).status === 200, 15_000);
    const pageSize = Math.max(1, Math.ceil(history.length / 2));
    const first = await api.call('executive', 'GET', `/customers/${id}/orders?pageSize=${pageSize}`);
    const second = await api.call('manager2', 'GET', `/customers/${id}/orders?page=2&pageSize=${pageSize}`);
    expect(first.body.total).toBe(history.length);
    const listed = [...first.body.items, ...second.body.items];
    expect(listed.map((order: { orderNo: string }) => order.orderNo)).toEqual(history.slice(0, listed.length).map((order) => String(order.id)));
    expect(listed.every((order: { status: string }) => order.status === 'shipped' || order.status === 'paid')).toBe(true);
    for (let i = 1; i < listed.length; i++) expect(listed[i - 1].orderDate >= listed[i].orderDate).toBe(true);
  });

  it('shows one order with its lines, each amount quantity × unit price, and the total their sum', async () => {
    const { id, orders } = await activeCustomer();
    const order = orders.find((o) => o.status === 5 || o.status === 6)!;
    const detail = await api.call('manager1', 'GET', `/customers/${id}/orders/${order.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.lines.length).toBeGreaterThan(0);
    let cents = 0;
    for (const line of detail.body.lines) {
      expect(Math.round(line.amount * 100)).toBe(Math.round(line.quantity * Math.round(line.unitPrice * 100)));
      cents += Math.round(line.amount * 100);
    }
    expect(Math.round(detail.body.totalAmount * 100)).toBe(cents);
    // An order that is not shipped or paid, another customer's, or none at all: not found.
    const open = orders.find((o) => o.status < 5);
    if (open) expect((await api.call('manager1', 'GET', `/customers/${id}/orders/${open.id}`)).status).toBe(404);
    const other = idOf.get(demo.plan.active[1])!;
    expect((await api.call('manager1', 'GET', `/customers/${other}/orders/${order.id}`)).status).toBe(404);
    expect((await api.call('manager1', 'GET', `/customers/${id}/orders/x1`)).status).toBe(404);
    expect((await api.call('manager1', 'GET', `/customers/no-such-customer/orders`)).body).toMatchObject({ status: 404, code: 'SALES.CUSTOMER_NOT_FOUND' });
  });

  it('publishes an order’s status change in the sales system once, as its next version', async () => {
    const { orders, customerNo } = await activeCustomer();
    const open = orders.find((o) => o.status < 5) ?? orders[0];
    // The first sync has published every order once.
    await waitUntil(() => subscriber.messages.some((m) => (m.body.data as { orderId: string }).orderId === String(open.id)), 30_000);
    const writer = await openSales();
    await writer.setStatus(open.id, 6);
    await writer.close();
    const ofOrder = () => subscriber.messages.filter((m) => (m.body.data as { orderId: string }).orderId === String(open.id));
    await waitUntil(() => ofOrder().some((m) => (m.body.data as { statusCode: number }).statusCode === 6), 30_000);
    // Some more polls: nothing new about it.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const versions = ofOrder().map((m) => m.body.data as { version: number; statusCode: number; customerNo: string; status: string });
    expect(versions.filter((v) => v.statusCode === 6)).toEqual([expect.objectContaining({ version: versions.length, customerNo, status: 'paid' })]);
    expect(new Set(ofOrder().map((m) => m.body.id)).size).toBe(ofOrder().length);
  });

  it('fills a copy that subscribed late: an admin republishes every customer at its current version', async () => {
    const late = await TestSubscriber.bind({ exchange, pattern: 'customer.customer.updated.v1', exchangeArguments: eventsExchangeArguments({ service: 'sales-bridge', exchange }) });
    try {
      expect((await api.call('supervisor', 'POST', '/customers/republish')).status).toBe(403);
      const answer = await api.call('admin', 'POST', '/customers/republish');
      expect(answer).toMatchObject({ status: 200, body: { republished: idOf.size } });
      const messages = await late.waitFor(idOf.size, 15_000);
      const data = messages.map((m) => m.body.data as { customerId: string; version: number; changedFields: string[] });
      expect(new Set(data.map((d) => d.customerId))).toEqual(new Set(idOf.values()));
      expect(data.every((d) => d.changedFields.length === 0)).toBe(true);
      // The version a customer has now, not a next one: copies holding it ignore the event.
      const one = data.find((d) => d.customerId === idOf.get(demo.plan.active[0]))!;
      expect(one.version).toBe((await api.call('admin', 'GET', `/customers/${one.customerId}`)).body.version);
    } finally {
      await late.close();
    }
  });

  it('answers 503 while the sales system is down, keeps every other function, and recovers', async () => {
    await salesDb.pause();
    try {
      const products = await api.call('manager1', 'GET', '/products');
      expect(products.status).toBe(503);
      expect(products.headers.get('content-type')).toContain('application/problem+json');
      expect(products.body).toMatchObject({ status: 503, code: 'SALES.UNAVAILABLE' });
      const id = idOf.get(demo.plan.active[0])!;
      expect((await api.call('manager1', 'GET', `/customers/${id}/orders`)).status).toBe(503);
      expect((await api.call('manager1', 'GET', `/customers/${id}`)).status).toBe(200);
      expect((await api.call('manager1', 'GET', '/opportunities')).status).toBe(200);
      const ready = await fetch(`${system.services['sales-bridge'].url}/health/ready`);
      expect(ready.status).toBe(200);
    } finally {
      await salesDb.resume();
    }
    await waitUntil(async () => (await api.call('manager1', 'GET', '/products')).status === 200, 10_000);
  });

  describe('churn (requirements §2.5), from the order events', () => {
    type Record = { id: string; customer: { id: string; customerNo: string }; manager: { id: string }; status: string; measures: unknown[]; lastOrderDate: string | null };
    const me: { [login: string]: string } = {};
    let warned: Record[];
    const managerOf = (customerNo: string) => demo.customers[demo.customerNos.indexOf(customerNo)].manager;
    const recordOf = (customerNo: string) => warned.find((record) => record.customer.customerNo === customerNo)!;
    const allRecords = async (login: 'admin' | 'supervisor' | 'executive' | 'manager1' | 'manager2', query = '') => {
      const records: Record[] = [];
      for (let page = 1; ; page++) {
        const { body } = await api.call(login, 'GET', `/churn-records?pageSize=100&page=${page}${query}`);
        records.push(...body.items);
        if (body.items.length < 100) return records;
      }
    };

    beforeAll(async () => {
      for (const login of ['manager1', 'manager2'] as const) me[login] = (await api.call(login, 'GET', '/me')).body.id;
    });

    it('keeps each customer’s last order date from the order events, never from the sales system', async () => {
      const lastOrder = async (customerNo: string) => (await api.call('manager1', 'GET', `/customers/${idOf.get(customerNo)}`)).body.lastOrderDate as string | null;
      // Every demo order was published; the customer service applies them as they come.
      await waitUntil(async () => (await Promise.all(demo.plan.active.map(lastOrder))).every((date) => date !== null && date >= demo.plan.cutoff), 60_000);
      for (const customerNo of demo.plan.stale) expect(await lastOrder(customerNo)).toEqual(expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/));
      for (const customerNo of demo.plan.stale) expect((await lastOrder(customerNo))! < demo.plan.cutoff).toBe(true);
      for (const customerNo of demo.plan.neverOrdered) expect(await lastOrder(customerNo)).toBeNull();
    });

    it('warns, on an admin’s scan, exactly the customers with no order in six months or none ever; a second scan adds none', async () => {
      expect((await api.call('supervisor', 'POST', '/churn-records/scan')).status).toBe(403);
      const scan = await api.call('admin', 'POST', '/churn-records/scan');
      expect(scan.status).toBe(200);
      const inactive = [...demo.plan.stale, ...demo.plan.neverOrdered];
      expect(scan.body.created).toBe(inactive.length);
      warned = await allRecords('supervisor');
      expect(warned.map((record) => record.customer.customerNo).sort()).toEqual([...inactive].sort());
      expect(warned.every((record) => record.status === 'warning')).toBe(true);
      for (const customerNo of demo.plan.neverOrdered) expect(recordOf(customerNo).lastOrderDate).toBeNull();
      expect((await api.call('admin', 'POST', '/churn-records/scan')).body.created).toBe(0);
      await churnEvents.waitFor(inactive.length, 15_000);
      expect(churnEvents.messages.filter((m) => m.routingKey === 'customer.churn.warned.v1')).toHaveLength(inactive.length);
    });

    it('shows managers their own customers’ records only; supervisors and executives all', async () => {
      const own = await allRecords('manager1');
      expect(own.length).toBeGreaterThan(0);
      expect(own.every((record) => record.manager.id === me.manager1 && managerOf(record.customer.customerNo) === 'manager1')).toBe(true);
      expect((await allRecords('manager2')).length + own.length).toBe(warned.length);
      expect(await allRecords('manager1', `&managerId=${me.manager2}`)).toEqual([]);
      expect((await allRecords('executive')).length).toBe(warned.length);
      const others = warned.find((record) => managerOf(record.customer.customerNo) === 'manager2')!;
      expect((await api.call('manager1', 'GET', `/churn-records/${others.id}`)).status).toBe(403);
    });

    it('defers with measures and confirms only with a measure and a reason; the customer is then churned and read only', async () => {
      const record = warned.find((r) => managerOf(r.customer.customerNo) === 'manager1')!;
      const path = `/churn-records/${record.id}`;
      expect((await api.call('manager1', 'POST', `${path}/confirm`, { reason: '已转向竞争对手' })).body).toMatchObject({ status: 409, code: 'CHURN.NO_MEASURE' });
      expect((await api.call('manager2', 'POST', `${path}/measures`, { measure: '上门拜访' })).status).toBe(403);
      expect((await api.call('supervisor', 'POST', `${path}/measures`, { measure: '上门拜访' })).status).toBe(403);
      const first = await api.call('manager1', 'POST', `${path}/measures`, { measure: '上门拜访采购经理' });
      expect(first.body).toMatchObject({ status: 'deferred', measures: [{ measure: '上门拜访采购经理', by: { id: me.manager1 } }] });
      const second = await api.call('manager1', 'POST', `${path}/measures`, { measure: '提供年度折扣方案' });
      expect(second.body.measures.map((m: { measure: string }) => m.measure)).toEqual(['上门拜访采购经理', '提供年度折扣方案']);
      const noReason = await api.call('manager1', 'POST', `${path}/confirm`, { reason: '   ' });
      expect(noReason.status).toBe(400);
      expect(noReason.body.errors).toEqual([expect.objectContaining({ field: 'reason' })]);
      const confirmed = await api.call('manager1', 'POST', `${path}/confirm`, { reason: '客户已转向竞争对手' });
      expect(confirmed.body).toMatchObject({ status: 'confirmed', reason: '客户已转向竞争对手' });
      const customer = await api.call('manager1', 'GET', `/customers/${record.customer.id}`);
      expect(customer.body.status).toBe('churned');
      expect((await api.call('manager1', 'PATCH', `/customers/${record.customer.id}`, { phone: '010-1234 5678' })).status).toBe(409);
      expect((await api.call('manager1', 'POST', `${path}/measures`, { measure: '再试一次' })).status).toBe(409);
    });

    it('answers a NUL byte, deep JSON, a huge string, wrong types and unknown keys with 4xx problems with a code, never a 5xx', async () => {
      const [record] = await allRecords('manager1', '&status=warning');
      const customerId = idOf.get(demo.plan.active[0])!;
      const deep = (key: string) => `{"${key}":${'['.repeat(5000)}${']'.repeat(5000)}}`;
      const cases: [string, string, unknown][] = [
        ['POST', `/churn-records/${record.id}/measures`, { measure: 'a\u0000b' }],
        ['POST', `/churn-records/${record.id}/measures`, { measure: 'x'.repeat(1_000_000) }],
        ['POST', `/churn-records/${record.id}/measures`, deep('measure')],
        ['POST', `/churn-records/${record.id}/measures`, { measure: '上门拜访', hacker: true }],
        ['POST', `/churn-records/${record.id}/measures`, { measure: 42 }],
        ['POST', `/churn-records/${record.id}/confirm`, { reason: ['已流失'] }],
        ['POST', `/churn-records/${record.id}/confirm`, deep('reason')],
        ['GET', `/churn-records?status=${encodeURIComponent('warning\u0000')}`, undefined],
        ['GET', `/churn-records?customerName=${'x'.repeat(300)}`, undefined],
        ['GET', `/products?name=${encodeURIComponent('叉\u0000车')}`, undefined],
        ['GET', `/products?model=${'x'.repeat(300)}&pageSize=abc`, undefined],
        ['GET', `/inventory?warehouse=${encodeURIComponent('\u0000')}&page=-1`, undefined],
        ['GET', `/customers/${customerId}/orders?pageSize=1000`, undefined],
        ['GET', `/customers/${customerId}/orders/${encodeURIComponent('1\u0000')}`, undefined],
        ['GET', `/customers/${encodeURIComponent('\u0000')}/orders`, undefined],
      ];
      for (const [method, path, body] of cases) {
        const response = await api.call('manager1', method, path, body);
        expect({ path: path.slice(0, 80), status: response.status >= 400 && response.status < 500 }).toEqual({ path: path.slice(0, 80), status: true });
        expect(response.headers.get('content-type')).toContain('application/problem+json');
        expect(response.body.code).toEqual(expect.any(String));
      }
      // Nothing of it was written.
      expect((await api.call('manager1', 'GET', `/churn-records/${record.id}`)).body).toMatchObject({ status: 'warning', measures: [] });
    });

    it('closes a warning when the warned customer orders again: the sales system’s new order reaches the customer service through the bridge', async () => {
      const record = warned.find((r) => managerOf(r.customer.customerNo) === 'manager2' && r.status === 'warning')!;
      const writer = await openSales();
      const orderNo = await writer.newOrder(record.customer.customerNo, new Date().toISOString().slice(0, 10), 1);
      await writer.close();
      await waitUntil(async () => (await api.call('manager2', 'GET', `/churn-records/${record.id}`)).body.status === 'closed', 30_000);
      expect((await api.call('manager2', 'GET', `/churn-records/${record.id}`)).body).toMatchObject({ status: 'closed', closedByOrderNo: String(orderNo) });
      await waitUntil(() => churnEvents.messages.some((m) => m.routingKey === 'customer.churn.closed.v1'), 10_000);
      expect(churnEvents.messages.filter((m) => m.routingKey === 'customer.churn.closed.v1').map((m) => (m.body.data as { churnId: string }).churnId)).toEqual([record.id]);
      // The customer is active again: the next scan leaves it alone.
      expect((await api.call('admin', 'POST', '/churn-records/scan')).body.created).toBe(0);
    });
  });
});
