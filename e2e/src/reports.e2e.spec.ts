import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { SalesOrderRecordedV1 } from '@crm/contracts';
import { eventsExchangeArguments } from '@crm/messaging';
import * as amqp from 'amqplib';
import { PrivatePostgres, TestSubscriber, testAmqpUrl, uniqueName, waitUntil } from '@crm/testing';
import { ApiClient, Login, RunningSystem, startCrm } from './support/crm-system';
import { SalesSystemWriter } from './support/sales-system-writer';

// The demo seed is plain JavaScript shared with `npm start`.
// eslint-disable-next-line @typescript-eslint/no-require-imports, @nx/enforce-module-boundaries
const { seedDemo } = require('../../tools/system/demo-seed.js') as {
  seedDemo(options: Record<string, unknown>): Promise<{ seeded: boolean; customerNos: string[]; plan: { stale: string[]; neverOrdered: string[] } }>;
};

/** The sales system of these tests: a PostgreSQL server of their own (as in production). */
const SALES_PORT = 5497;
const SALES_SCHEMA = 'sales';

/** Publishes CloudEvents as they are (ids included) on one confirm channel, as a relay that sends again would. */
async function publishAll(exchange: string, events: { id: string; type: string }[]): Promise<void> {
  const connection = await amqp.connect(testAmqpUrl());
  try {
    const channel = await connection.createConfirmChannel();
    for (const event of events) channel.publish(exchange, event.type, Buffer.from(JSON.stringify(event)), { persistent: true, messageId: event.id, type: event.type });
    await channel.waitForConfirms();
  } finally {
    await connection.close();
  }
}

interface ContributionRow {
  customerId: string | null;
  customerNo: string;
  customerName: string | null;
  totalAmount: number;
  orderCount: number;
}

/**
 * Reports end to end (requirements §4; contract "Reports"): read models the reporting service
 * builds only from events — orders from the sales bridge, customers and churn from the customer
 * service, tickets from the service desk — checked against a computation made here, directly over
 * the generated sales system and the other services' answers; an event delivered twice or a
 * shipped order paid later counted once; a rebuild converging to the same numbers; who may see
 * them; the .xlsx downloads.
 */
describe('reports end to end', () => {
  const exchange = uniqueName('crm.events.e2e-reports');
  let system: RunningSystem;
  let api: ApiClient;
  let orders: TestSubscriber;
  let salesDb: PrivatePostgres;
  let demo: Awaited<ReturnType<typeof seedDemo>>;
  const ids: Record<string, string> = {};
  const openSales = () => SalesSystemWriter.open(salesDb.url, SALES_SCHEMA);

  /** Every row of the contribution report, filters as given. */
  const contribution = async (query = ''): Promise<ContributionRow[]> => {
    const rows: ContributionRow[] = [];
    for (let page = 1; ; page++) {
      const { status, body } = await api.call('executive', 'GET', `/reports/contribution?pageSize=100&page=${page}${query ? `&${query}` : ''}`);
      expect(status).toBe(200);
      rows.push(...body.items);
      if (rows.length >= body.total || body.items.length === 0) return rows;
    }
  };

  /** Total shipped and paid amount per customer number (and year), straight from the sales system's tables. */
  const expectedContribution = async (year?: number) => {
    const writer = await openSales();
    try {
      const perOrder = await writer.query<{ customer_no: string; year: number; amount: string }>(
        `select o."customer_no" as customer_no, extract(year from o."date")::int as year, coalesce(sum(l."count" * l."price"), 0)::text as amount
           from {orders} o left join {orders_line} l on l."order_id" = o."id"
          where o."status" in (5, 6) group by o."id", o."customer_no", o."date"`,
      );
      const totals = new Map<string, { cents: number; orders: number }>();
      for (const order of perOrder) {
        if (year !== undefined && Number(order.year) !== year) continue;
        const entry = totals.get(order.customer_no) ?? { cents: 0, orders: 0 };
        entry.cents += Math.round(Number(order.amount) * 100);
        entry.orders += 1;
        totals.set(order.customer_no, entry);
      }
      return [...totals.entries()]
        .map(([customerNo, { cents, orders: orderCount }]) => ({ customerNo, totalAmount: cents / 100, orderCount }))
        .sort((a, b) => b.totalAmount - a.totalAmount || a.customerNo.localeCompare(b.customerNo));
    } finally {
      await writer.close();
    }
  };
  const asReported = (rows: ContributionRow[]) => rows.map(({ customerNo, totalAmount, orderCount }) => ({ customerNo, totalAmount, orderCount }));

  /** Waits until the contribution report equals what the sales system holds, then asserts it (a readable diff if it never does). */
  const expectContributionToMatchSales = async (year?: number) => {
    const expected = await expectedContribution(year);
    const query = year === undefined ? '' : `year=${year}`;
    await waitUntil(async () => JSON.stringify(asReported(await contribution(query))) === JSON.stringify(expected), 60_000).catch(() => undefined);
    expect(asReported(await contribution(query))).toEqual(expected);
    return expected;
  };

  beforeAll(async () => {
    orders = await TestSubscriber.bind({ exchange, pattern: 'sales.order.#', exchangeArguments: eventsExchangeArguments({ service: 'sales-bridge', exchange }) });
    salesDb = await PrivatePostgres.start(SALES_PORT);
    system = await startCrm({
      amqpUrl: testAmqpUrl(),
      exchange,
      env: { RATE_LIMIT_MAX: '10000', ORDER_SYNC_POLL_MS: '200' },
      serviceEnvOf: { 'sales-bridge': { SALES_DB_DRIVER: 'postgresql', SALES_DB_URL: salesDb.url, SALES_DB_SCHEMA: SALES_SCHEMA } },
    });
    api = new ApiClient(system);
    for (const login of ['admin', 'supervisor', 'manager1', 'manager2', 'executive'] as const) ids[login] = (await api.call(login, 'GET', '/me')).body.id;
    demo = await seedDemo({ urls: system.urls, salesTarget: { driver: 'postgresql', url: salesDb.url, schema: SALES_SCHEMA }, customers: 24, orders: 500, seed: 'e2e-reports' });
  }, 180_000);

  afterAll(async () => {
    await system?.stop();
    await orders?.close();
    await salesDb?.stop();
  });

  it('shows each customer’s shipped and paid order total, largest first, equal to a sum over the sales system', async () => {
    const expected = await expectContributionToMatchSales();
    expect(expected.length).toBeGreaterThan(10);
    const rows = await contribution();
    // Every customer is known by then: names and ids from the customer service's events.
    const customers = await api.call('admin', 'GET', '/customers?pageSize=100');
    const byNo = new Map(customers.body.items.map((c: { customerNo: string; id: string; name: string }) => [c.customerNo, c]));
    await waitUntil(async () => (await contribution()).every((row) => row.customerId !== null), 15_000);
    for (const row of await contribution()) {
      expect(row).toMatchObject({ customerId: (byNo.get(row.customerNo) as { id: string }).id, customerName: (byNo.get(row.customerNo) as { name: string }).name });
    }
    // By year, and by part of a name.
    const years = [...new Set((await api.call('admin', 'GET', `/customers/${rows[0].customerId}/orders?pageSize=100`)).body.items.map((o: { orderDate: string }) => Number(o.orderDate.slice(0, 4))))];
    for (const year of years as number[]) await expectContributionToMatchSales(year);
    const name = rows[0].customerName!;
    const byName = await contribution(`customerName=${encodeURIComponent(name.slice(1, 5))}`);
    expect(byName.map((row) => row.customerNo)).toContain(rows[0].customerNo);
    expect(byName.every((row) => row.customerName!.includes(name.slice(1, 5)))).toBe(true);
    const page2 = await api.call('supervisor', 'GET', '/reports/contribution?page=2&pageSize=5');
    expect(page2.body.items.map((row: ContributionRow) => row.customerNo)).toEqual(rows.slice(5, 10).map((row) => row.customerNo));
  });

  it('counts a shipped order once when it is paid, an order once when its event arrives twice, and a newly shipped order at once', async () => {
    await expectContributionToMatchSales();
    const writer = await openSales();
    let shippedCustomer: string;
    try {
      const [shipped] = await writer.query<{ id: number; customer_no: string }>(`select "id" as id, "customer_no" as customer_no from {orders} where "status" = 5 order by "id" limit 1`);
      const [open] = await writer.query<{ id: number }>(`select "id" as id from {orders} where "status" between 1 and 4 order by "id" limit 1`);
      shippedCustomer = shipped.customer_no;
      await writer.setStatus(shipped.id, 6);
      await writer.setStatus(open.id, 5);
    } finally {
      await writer.close();
    }
    const expected = await expectContributionToMatchSales();
    expect(expected.some((row) => row.customerNo === shippedCustomer)).toBe(true);

    // Every order event once more, with the same ids (a redelivery), and the latest of each order as a new event of the same version (a republication).
    const seen = orders.messages.map((message) => message.body as { id: string; source: string; type: string; data: { orderId: string; version: number } });
    expect(seen.length).toBeGreaterThan(100);
    await publishAll(exchange, seen);
    const latest = new Map<string, (typeof seen)[number]>();
    for (const event of seen) {
      const data = SalesOrderRecordedV1.data.parse(event.data);
      const held = latest.get(data.orderId);
      if (!held || held.data.version < data.version) latest.set(data.orderId, event);
    }
    await publishAll(exchange, [...latest.values()].map((event) => ({ ...event, id: randomUUID() })));
    // A fresh order behind them: once it counts, the copies ahead of it in the queue have been consumed.
    const writer2 = await openSales();
    try {
      await writer2.newOrder(demo.customerNos[0], '2026-06-01', 6);
    } finally {
      await writer2.close();
    }
    const expectedNow = await expectContributionToMatchSales();
    // And nothing still in flight changes it afterwards.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(asReported(await contribution())).toEqual(expectedNow);
  }, 180_000);

  it('shows the composition of normal customers by level, credit and satisfaction, with shares', async () => {
    const customers = (await api.call('admin', 'GET', '/customers?pageSize=100&status=normal')).body.items as Record<string, unknown>[];
    for (const by of ['level', 'credit', 'satisfaction'] as const) {
      const counts = new Map<string | null, number>();
      for (const customer of customers) {
        const item = customer[by] === null || customer[by] === undefined ? null : String(customer[by]);
        counts.set(item, (counts.get(item) ?? 0) + 1);
      }
      const report = async () => (await api.call('supervisor', 'GET', `/reports/composition?by=${by}`)).body;
      await waitUntil(async () => (await report()).total === customers.length, 15_000);
      const body = await report();
      expect(body.total).toBe(customers.length);
      const asMap = new Map(body.items.map((row: { item: string | null; count: number }) => [row.item, row.count]));
      expect(asMap).toEqual(counts);
      for (const row of body.items) expect(row.share).toBeCloseTo(row.count / customers.length, 4);
      const countsInOrder = body.items.map((row: { count: number }) => row.count);
      expect(countsInOrder).toEqual([...countsInOrder].sort((a: number, b: number) => b - a));
    }
    const missing = await api.call('supervisor', 'GET', '/reports/composition');
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([expect.objectContaining({ field: 'by' })]);
  });

  it('counts service tickets per type and year as the desk creates them', async () => {
    const customerId = (await api.call('manager1', 'GET', '/customers?pageSize=1&managerId=' + ids.manager1)).body.items[0].id as string;
    const made: Record<string, number> = { 咨询: 3, 建议: 1, 投诉: 2 };
    for (const [type, count] of Object.entries(made)) {
      for (let i = 0; i < count; i++) {
        const create = () => api.call('manager1', 'POST', '/service-tickets', { type, summary: `报表测试 ${type} ${i}`, customerId, request: '请求内容' });
        await waitUntil(async () => (await create()).status === 201, 15_000);
      }
    }
    const year = Number(new Date().toLocaleDateString('en-CA', { timeZone: 'Asia/Shanghai' }).slice(0, 4));
    const expected = Object.entries(made)
      .map(([type, count]) => ({ type, count }))
      .sort((a, b) => b.count - a.count);
    await waitUntil(async () => JSON.stringify((await api.call('executive', 'GET', `/reports/services?year=${year}`)).body.items) === JSON.stringify(expected), 15_000).catch(() => undefined);
    expect((await api.call('executive', 'GET', `/reports/services?year=${year}`)).body.items).toEqual(expected);
    expect((await api.call('executive', 'GET', '/reports/services')).body.items).toEqual(expected);
    expect((await api.call('executive', 'GET', `/reports/services?year=${year - 1}`)).body.items).toEqual([]);
    expect((await api.call('executive', 'GET', '/reports/services?year=26')).status).toBe(400);
  });

  it('lists confirmed churn records by customer name and manager name', async () => {
    const scan = await api.call('admin', 'POST', '/churn-records/scan');
    expect(scan.status).toBe(200);
    const warnings = (await api.call('supervisor', 'GET', '/churn-records?pageSize=100')).body.items as { id: string; customer: { name: string }; manager: { id: string; name: string } }[];
    const ofManager1 = warnings.filter((record) => record.manager.id === ids.manager1).slice(0, 2);
    expect(ofManager1).toHaveLength(2);
    for (const record of ofManager1) {
      expect((await api.call('manager1', 'POST', `/churn-records/${record.id}/measures`, { measure: '电话回访' })).status).toBe(200);
      expect((await api.call('manager1', 'POST', `/churn-records/${record.id}/confirm`, { reason: '客户转向竞争对手' })).status).toBe(200);
    }
    const report = async (query = '') => (await api.call('supervisor', 'GET', `/reports/churn?pageSize=100${query}`)).body;
    await waitUntil(async () => (await report()).total === 2, 15_000);
    const body = await report();
    expect(body.items.map((row: { churnId: string }) => row.churnId).sort()).toEqual(ofManager1.map((record) => record.id).sort());
    expect(body.items[0]).toMatchObject({ reason: '客户转向竞争对手', confirmedAt: expect.any(String), measures: [expect.objectContaining({ measure: '电话回访' })] });
    const managerName = ofManager1[0].manager.name;
    expect((await report(`&managerName=${encodeURIComponent(managerName)}`)).total).toBe(2);
    expect((await report(`&customerName=${encodeURIComponent(ofManager1[0].customer.name)}`)).items.map((row: { churnId: string }) => row.churnId)).toEqual([ofManager1[0].id]);
    expect((await report('&managerName=nobody')).total).toBe(0);
  });

  it('lets only supervisors and executives see reports, and only admins rebuild them', async () => {
    for (const [login, status] of [
      ['manager1', 403],
      ['admin', 403],
      ['supervisor', 200],
      ['executive', 200],
    ] as [Login, number][]) {
      for (const path of ['/reports/contribution', '/reports/composition?by=level', '/reports/services', '/reports/churn', '/reports/contribution/export']) {
        const response = path.endsWith('export') ? await api.file(login, 'GET', path) : await api.call(login, 'GET', path);
        expect({ login, path, status: response.status }).toEqual({ login, path, status });
      }
    }
    expect((await api.call('supervisor', 'POST', '/reports/rebuild')).status).toBe(403);
    expect((await api.call(null, 'GET', '/reports/contribution')).status).toBe(401);
  });

  it('answers hostile filters with 4xx problems with a code, never a 5xx', async () => {
    const cases = [
      `/reports/contribution?customerName=${encodeURIComponent('a\u0000b')}`,
      `/reports/contribution?customerName=${'x'.repeat(300)}`,
      `/reports/contribution?year=${encodeURIComponent('2026\u0000')}`,
      '/reports/contribution?year=2026&year=2025',
      '/reports/contribution?pageSize=abc&page=-1',
      '/reports/contribution?hacker=1',
      `/reports/composition?by=${encodeURIComponent('level\u0000')}`,
      '/reports/composition?by=level&by=credit',
      '/reports/services?year=99999999999999999999',
      `/reports/churn?managerName=${'x'.repeat(300)}`,
      `/reports/churn/export?customerName=${encodeURIComponent('\u0000')}&page=2`,
    ];
    for (const path of cases) {
      const response = await api.call('supervisor', 'GET', path);
      expect({ path: path.slice(0, 80), status: response.status >= 400 && response.status < 500 }).toEqual({ path: path.slice(0, 80), status: true });
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body.code).toEqual(expect.any(String));
    }
    const rebuild = await api.call('admin', 'POST', '/reports/rebuild', `{"x":${'['.repeat(5000)}${']'.repeat(5000)}}`);
    expect(rebuild.status).toBeGreaterThanOrEqual(400);
    expect(rebuild.status).toBeLessThan(500);
  });

  it('rebuilds every read model from the facts it kept, converging to the same numbers', async () => {
    const snapshot = async () => ({
      contribution: await contribution(),
      level: (await api.call('executive', 'GET', '/reports/composition?by=level')).body,
      services: (await api.call('executive', 'GET', '/reports/services')).body,
      churn: (await api.call('executive', 'GET', '/reports/churn?pageSize=100')).body,
    });
    const before = await snapshot();
    const rebuilt = await api.call('admin', 'POST', '/reports/rebuild');
    expect(rebuilt.status).toBe(200);
    expect(await snapshot()).toEqual(before);
    await expectContributionToMatchSales();
  });

  it('downloads each report as .xlsx with the rows the JSON answer has', async () => {
    const rows = await contribution();
    const download = await api.file('supervisor', 'GET', '/reports/contribution/export');
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toContain('spreadsheetml');
    expect(download.headers.get('content-disposition')).toMatch(/attachment/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(download.body as unknown as ArrayBuffer);
    const sheet = book.worksheets[0];
    const values: (string | number)[][] = [];
    sheet.eachRow((row, index) => {
      if (index > 1) values.push((row.values as (string | number)[]).slice(1));
    });
    expect(values).toHaveLength(rows.length);
    const flat = values.map((cells) => cells.map(String));
    for (const [index, row] of rows.entries()) {
      expect(flat[index]).toEqual(expect.arrayContaining([row.customerNo, String(row.totalAmount)]));
    }
    for (const path of ['/reports/composition/export?by=credit', '/reports/services/export', '/reports/churn/export']) {
      const file = await api.file('executive', 'GET', path);
      expect({ path, status: file.status }).toEqual({ path, status: 200 });
      const other = new ExcelJS.Workbook();
      await other.xlsx.load(file.body as unknown as ArrayBuffer);
      expect(other.worksheets[0].rowCount).toBeGreaterThan(1);
    }
  });
});
