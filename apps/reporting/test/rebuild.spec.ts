import { CompositionCount } from '../src/composition/composition-count.entity';
import { ALL_YEARS, CustomerContribution } from '../src/contribution/customer-contribution.entity';
import { runRebuildCommand } from '../src/rebuild/rebuild-command';
import { ServiceCount } from '../src/service-analysis/service-count.entity';
import { type Published, REPORTING_TEST_DATABASES, type ReportingApp, startReportingApp } from './support/reporting-app';
import { expectedReports, readReports } from './support/reports-reader';
import { buildScenario } from './support/scenario';
import { customerEvent, generatedOrders, nextVersion, orderEvent, SalesWorld } from './support/sales-world';

/**
 * The aggregates rebuilt from the facts the service kept: after they were damaged, and while
 * events keep arriving. Either way the reports converge to the numbers the events make (the
 * incremental ones, and the test's own computation).
 */
describe.each(REPORTING_TEST_DATABASES)('rebuilding the reports on %s', (_dialect, databaseFor) => {
  const scenario = buildScenario();
  const { views } = scenario;
  const world = new SalesWorld();
  const db = databaseFor();
  let service: ReportingApp;

  beforeAll(async () => {
    service = await startReportingApp(db);
    for (const round of scenario.rounds) await service.deliver(world.apply(round));
  });

  afterAll(async () => {
    await service?.close();
  });

  const rebuild = async () => {
    const response = await service.call('admin', 'POST', '/reports/rebuild');
    expect(response.statusCode).toBe(200);
    return response.json();
  };

  it('recomputes damaged aggregates from the facts: the same numbers as the events applied one by one', async () => {
    const incremental = await readReports(service, views);
    expect(incremental).toEqual(expectedReports(world, views));

    const em = service.orm.em.fork();
    const numbers = scenario.customers.slice(0, 5).map((customer) => customer.customerNo);
    await em.nativeDelete(CustomerContribution, { year: ALL_YEARS, customerNo: { $in: numbers } });
    await em.nativeUpdate(CustomerContribution, { year: views.years[1] }, { totalCents: 1, orderCount: 99 });
    await em.insert(CustomerContribution, { customerNo: 'KH000000000000', year: ALL_YEARS, totalCents: 10 ** 12, orderCount: 1 });
    await em.nativeDelete(CompositionCount, { dimension: 'level' });
    await em.nativeUpdate(ServiceCount, {}, { tickets: 1000 });
    expect(await readReports(service, views)).not.toEqual(incremental);

    const counts = await rebuild();
    const orders = [...world.orders.values()];
    const counted = orders.filter((order) => order.status === 'shipped' || order.status === 'paid');
    expect(counts).toEqual({
      orderFacts: orders.length,
      customerFacts: world.customers.size,
      ticketFacts: world.tickets.size,
      contributionRows: new Set(counted.map((order) => `${order.customerNo} ${order.orderDate.slice(0, 4)}`)).size + new Set(counted.map((order) => order.customerNo)).size,
      compositionRows: expect.any(Number),
      serviceRows: expect.any(Number),
      durationMs: expect.any(Number),
    });
    expect(await readReports(service, views)).toEqual(incremental);
  });

  it('converges while events keep arriving: a consumer committing during a rebuild is neither lost nor counted twice', async () => {
    const customerNos = scenario.customers.map((customer) => customer.customerNo);
    const more = generatedOrders(customerNos, 1500, 'reporting-rebuild').map((order) => ({ ...order, orderId: `b-${order.orderId}`, orderNo: `b-${order.orderNo}` }));
    const events: Published[] = [
      ...more.map(orderEvent),
      // Half of them change again (paid, re-priced), some before their first version arrives.
      ...more.filter((_, index) => index % 2 === 0).map((order) => orderEvent(nextVersion(order, { statusCode: 6, totalAmount: order.totalAmount + 1 }))),
      ...scenario.customers.slice(20, 26).map((customer) => customerEvent({ ...customer, version: 10, level: '战略合作伙伴', name: `${customer.name}·重组` })),
    ];
    const ids = await service.publish(world.apply(events));
    let consumed = false;
    const done = service.handled(ids, 120_000).finally(() => {
      consumed = true;
    });
    let duringConsumption = 0;
    let command = false;
    for (let round = 0; !consumed && round < 500; round++) {
      // Timers and the broker's sockets get their turn between rebuilds (SQLite's driver is synchronous).
      await new Promise((resolve) => setTimeout(resolve, 20));
      await rebuild();
      if (!consumed) duringConsumption++;
      // Once from the command, a process of its own with its own connection, as an operator runs it.
      if (!command) {
        const lines: Record<string, unknown>[] = [];
        const env = { DB_DRIVER: db.DB_DRIVER, DB_NAME: db.DB_NAME, DB_URL: db.DB_URL, DB_SCHEMA: db.DB_SCHEMA, LOG_LEVEL: 'warn' };
        expect(await runRebuildCommand(env, (line) => lines.push(line))).toBe(0);
        expect(lines).toEqual([expect.objectContaining({ level: 'info', service: 'reporting', msg: 'reports rebuilt', orderFacts: expect.any(Number), durationMs: expect.any(Number) })]);
        command = true;
      }
    }
    await done;
    expect(duringConsumption).toBeGreaterThan(1);
    expect(await service.consumed('dead_lettered')).toBe(0);
    const expected = expectedReports(world, views);
    expect(await readReports(service, views)).toEqual(expected);
    await rebuild();
    expect(await readReports(service, views)).toEqual(expected);
  }, 180_000);

  it('fails the command with exit 1 and a reason when it cannot open the database', async () => {
    const lines: Record<string, unknown>[] = [];
    expect(await runRebuildCommand({ DB_DRIVER: 'postgresql' }, (line) => lines.push(line))).toBe(1);
    expect(lines).toEqual([expect.objectContaining({ level: 'error', msg: expect.stringContaining('DB_URL') })]);
  });
});
