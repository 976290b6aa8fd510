import { randomUUID } from 'node:crypto';
import { SalesOrderRecordedV1 } from '@crm/contracts';
import { ContributionReport, FEW_NAMED } from '../src/contribution/contribution-report';
import { CustomerContribution } from '../src/contribution/customer-contribution.entity';
import { type Published, REPORTING_TEST_DATABASES, type ReportingApp, startReportingApp } from './support/reporting-app';
import { expectedReports, readReports } from './support/reports-reader';
import { buildScenario } from './support/scenario';
import { customerEvent, expectedContribution, nextVersion, type Order, orderEvent, SalesWorld } from './support/sales-world';

/**
 * The reports built only from events, on a real RabbitMQ, compared with the same reports computed
 * in the test from the data it published (latest version of each aggregate). The cases build on
 * each other, as a season of events would arrive.
 */
describe.each(REPORTING_TEST_DATABASES)('read models on %s', (_dialect, databaseFor) => {
  const scenario = buildScenario();
  const { views } = scenario;
  const world = new SalesWorld();
  const deliver = (events: Published[]) => service.deliver(world.apply(events));
  let service: ReportingApp;

  beforeAll(async () => {
    service = await startReportingApp(databaseFor());
  });

  afterAll(async () => {
    await service?.close();
  });

  const contributionOf = async (customerNo: string) =>
    ((await service.call('supervisor', 'GET', '/reports/contribution?pageSize=100')).json().items as { customerNo: string }[]).find((row) => row.customerNo === customerNo);

  it('builds every report from customers, orders, tickets and churn records arriving concurrently and out of order', async () => {
    await deliver(scenario.rounds[0]);
    await deliver(scenario.rounds[1]);
    expect(await service.consumed('dead_lettered')).toBe(0);
    expect(await readReports(service, views)).toEqual(expectedReports(world, views));
    // Sanity of the scenario itself: it has something in each report, under each view.
    const expected = expectedReports(world, views);
    expect((expected.contribution.all as unknown[]).length).toBeGreaterThan(25);
    expect((expected.churn.all as unknown[]).length).toBe(4);
    expect((expected.composition.level as { items: unknown[] }).items.length).toBeGreaterThan(3);
  });

  it('counts the orders of a customer number it has no customer event for, without a name, and names them once the customer arrives', async () => {
    for (const customerNo of [...scenario.late.map((customer) => customer.customerNo), ...scenario.unknown]) {
      expect(await contributionOf(customerNo)).toMatchObject({ customerNo, customerId: null, customerName: null, orderCount: expect.any(Number) });
    }
    await deliver(scenario.rounds[2]);
    for (const customer of scenario.late) {
      expect(await contributionOf(customer.customerNo)).toMatchObject({ customerId: customer.customerId, customerName: customer.name });
    }
    expect(await readReports(service, views)).toEqual(expectedReports(world, views));
  });

  it('answers a name filter the same whether few customers match (looked up by number) or many (the rank index walked)', async () => {
    const report = service.app.get(ContributionReport);
    report.fewNamed = 0;
    try {
      expect(await readReports(service, views)).toEqual(expectedReports(world, views));
    } finally {
      report.fewNamed = FEW_NAMED;
    }
  });

  it('pages the contribution largest first, 20 by default, at most 100 a page', async () => {
    const all = expectedContribution(world);
    const page2 = (await service.call('executive', 'GET', '/reports/contribution?page=2&pageSize=7')).json();
    expect(page2).toEqual({ items: all.slice(7, 14), total: all.length, page: 2, pageSize: 7 });
    const first = (await service.call('executive', 'GET', '/reports/contribution')).json();
    expect(first).toMatchObject({ page: 1, pageSize: 20, total: all.length });
    expect(first.items).toEqual(all.slice(0, 20));
    expect((await service.call('executive', 'GET', '/reports/contribution?pageSize=101')).statusCode).toBe(400);
  });

  it('applies an event delivered twice (same id) or published again under a new id at the same version once', async () => {
    const before = await readReports(service, views);
    const events = [...world.orders.values()].slice(0, 60).map((order): Published => ({ definition: SalesOrderRecordedV1, data: order, id: randomUUID() }));
    const customerEvents = [...scenario.rounds[0].slice(0, 10)];
    const ids = await service.deliver([...events, ...customerEvents.map((event) => ({ ...event, id: randomUUID() }))]);
    // The same ids again: the inbox knows them, so only the consumer's count of duplicates shows them.
    const duplicates = await service.consumed('duplicate');
    await service.publish(events);
    await waitForCount(() => service.consumed('duplicate'), duplicates + events.length);
    expect(ids).toHaveLength(70);
    expect(await readReports(service, views)).toEqual(before);
    expect(before).toEqual(expectedReports(world, views));
  });

  it('ignores an older version arriving after a newer one, and gets the same numbers when paid v2 arrives before shipped v1', async () => {
    // An order not seen before: paid (v2) first, then its shipped v1, then an older re-dated v1 copy.
    const base = scenario.orders.find((order) => order.status === 'paid')!;
    const fresh: Order = { ...base, orderId: 'fresh-1', orderNo: 'fresh-1', version: 1, statusCode: 5, status: 'shipped' };
    await deliver([orderEvent(nextVersion(fresh, { statusCode: 6 }))]);
    const afterPaid = await contributionOf(fresh.customerNo);
    await deliver([orderEvent(fresh), orderEvent({ ...fresh, orderDate: '1999-01-01', totalAmount: 1 })]);
    expect(await contributionOf(fresh.customerNo)).toEqual(afterPaid);
    expect(world.orders.get('fresh-1')).toMatchObject({ version: 2, status: 'paid' });
    // A stale customer version: a rename back at version 1 of a customer renamed at version 2.
    const renamed = scenario.customers[0];
    await deliver([customerEvent({ ...renamed, name: 'stale name' })]);
    expect(await readReports(service, views)).toEqual(expectedReports(world, views));
  });

  it('keeps no contribution row for a customer number whose orders stopped counting', async () => {
    const customerNo = scenario.unknown[1];
    const counted = [...world.orders.values()].filter((order) => order.customerNo === customerNo && (order.status === 'shipped' || order.status === 'paid'));
    expect(counted.length).toBeGreaterThan(0);
    await deliver(counted.map((order) => orderEvent(nextVersion(order, { statusCode: 1 }))));
    expect(await contributionOf(customerNo)).toBeUndefined();
    expect(await service.orm.em.fork().count(CustomerContribution, { customerNo })).toBe(0);
    expect(await readReports(service, views)).toEqual(expectedReports(world, views));
  });
});

async function waitForCount(read: () => Promise<number>, atLeast: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((await read()) < atLeast) {
    if (Date.now() > deadline) throw new Error(`still ${await read()} of ${atLeast}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
