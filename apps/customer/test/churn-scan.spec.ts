import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MikroORM } from '@mikro-orm/core';
import { ChurnWarnedV1, type CustomerStatus } from '@crm/contracts';
import { EventOutbox, JobRun, type MessagingOptions, OutboxMessage, ScheduledJobs } from '@crm/messaging';
import { type DatabaseSettings, initOrm, runMigrations } from '@crm/persistence';
import { uniqueName } from '@crm/testing';
import { ChurnMeasure, ChurnRecord } from '../src/churn/churn-record.entity';
import { ChurnScan } from '../src/churn/churn-scan';
import { churnScanJob } from '../src/churn/churn-scan.job';
import type { Clock } from '../src/churn/clock';
import { Customer } from '../src/customers/customer.entity';
import { ormInput } from '../src/database/orm-input';
import { CustomerOrderActivity } from '../src/orders/customer-order-activity.entity';

const TIME_ZONE = 'Asia/Shanghai';
/** Saturday 2026-12-05 02:00 in Shanghai: the scan's occurrence. Its six months begin on 2026-06-05. */
const SATURDAY_0200 = new Date('2026-12-04T18:00:00.000Z');
/** Friday 2026-12-04 23:59:59 in Shanghai: six months began on 2026-06-04. */
const FRIDAY_2359 = new Date('2026-12-04T15:59:59.000Z');
const MANAGER = { id: 'u-m1', name: 'Manager One' };

const DATABASES: [string, () => DatabaseSettings][] = [
  ['SQLite', () => ({ DB_DRIVER: 'sqlite', DB_NAME: join(mkdtempSync(join(tmpdir(), 'crm-churn-scan-')), 'customer.sqlite') })],
  ['PostgreSQL', () => ({ DB_DRIVER: 'postgresql', DB_URL: process.env.CRM_TEST_PG_URL, DB_SCHEMA: uniqueName('churn_scan').replace(/[^a-z0-9]/g, '_') })],
];

/**
 * The Saturday warning job against a real database with a clock the test moves: who is warned
 * (the six-month edge in company days, never ordered, only normal customers), that a rerun adds
 * nothing, and that concurrent runs — replicas ticking together, a run on demand during the
 * Saturday run — warn each customer once.
 */
describe.each(DATABASES)('the churn scan on %s', (dialect, settings) => {
  const db = settings();
  let orm: MikroORM;
  const orms: MikroORM[] = [];
  const runners: ScheduledJobs[] = [];
  let sequence = 0;

  const scanOf = (on: MikroORM) => new ChurnScan(on, new EventOutbox({ service: 'customer' } as MessagingOptions), TIME_ZONE);
  /** Another replica of the service: its own connections to the same database. */
  const replica = async () => {
    const made = await initOrm(ormInput(db));
    orms.push(made);
    return made;
  };

  beforeAll(async () => {
    await runMigrations(ormInput(db));
    orm = await replica();
  });

  afterAll(async () => {
    for (const runner of runners) await runner.onModuleDestroy();
    if (db.DB_DRIVER === 'postgresql') await orm?.em.getConnection().execute(`drop schema if exists "${db.DB_SCHEMA}" cascade`);
    for (const made of orms) await made.close(true);
  });

  beforeEach(async () => {
    const em = orm.em.fork();
    for (const entity of [ChurnMeasure, ChurnRecord, CustomerOrderActivity, Customer, OutboxMessage, JobRun]) await em.nativeDelete(entity as never, {});
  });

  async function customers(count: number, options: { lastOrder?: string; status?: CustomerStatus } = {}): Promise<Customer[]> {
    const made = Array.from({ length: count }, () => {
      const customer = new Customer(`KH20261201${String(++sequence).padStart(5, '0')}`, { name: `客户 ${sequence}` }, MANAGER, MANAGER);
      customer.status = options.status ?? 'normal';
      return customer;
    });
    await orm.em.fork().insertMany(made);
    if (options.lastOrder) {
      await orm.em.fork().insertMany(made.map((customer) => new CustomerOrderActivity(customer.customerNo, options.lastOrder!, `O-${customer.customerNo}`, new Date())));
    }
    return made;
  }

  const records = () => orm.em.fork().find(ChurnRecord, {}, { orderBy: { customerNo: 'asc' } });
  const warnedEvents = async () => (await orm.em.fork().find(OutboxMessage, { type: ChurnWarnedV1.type })).map((row) => ChurnWarnedV1.data.parse(row.data));
  const warnedNumbers = async () => (await records()).map((record) => record.customerNo).sort();

  it('warns normal customers with no order in the six months before the company date, or none ever; an order on the first day of the six months keeps one off', async () => {
    const [never] = await customers(1);
    const [outside] = await customers(1, { lastOrder: '2026-06-04' }); // one day before the six months of Saturday
    const [onCutoff] = await customers(1, { lastOrder: '2026-06-05' }); // exactly six months before Saturday
    const [recent] = await customers(1, { lastOrder: '2026-12-01' });
    await customers(1, { status: 'churned' });
    await customers(1, { status: 'deleted' });
    // An order of a number no customer has (yet) is kept and changes nothing here.
    await orm.em.fork().insert(CustomerOrderActivity, { customerNo: 'KH209912310001', lastOrderDate: '2020-01-01', lastOrderNo: '1', updatedAt: new Date() });

    // Friday 23:59:59 in Shanghai (15:59:59 UTC): the six months began on 2026-06-04, so that order is inside.
    expect(await scanOf(orm).execute(FRIDAY_2359)).toBe(1);
    expect(await warnedNumbers()).toEqual([never.customerNo]);

    // Saturday 02:00 (still Friday in UTC): now it is outside; the first warning is not repeated.
    expect(await scanOf(orm).execute(SATURDAY_0200)).toBe(1);
    expect(await warnedNumbers()).toEqual([never.customerNo, outside.customerNo]);
    expect((await warnedNumbers()).some((no) => no === onCutoff.customerNo || no === recent.customerNo)).toBe(false);

    const [first, second] = await records();
    expect(first).toMatchObject({ customerId: never.id, lastOrderDate: null, status: 'warning', warnedAt: FRIDAY_2359, openKey: never.id, version: 1, managerId: MANAGER.id });
    expect(second).toMatchObject({ customerId: outside.id, customerName: outside.name, lastOrderDate: '2026-06-04', warnedAt: SATURDAY_0200, status: 'warning' });

    // One event per warning, valid against the contract, with the record as it was created.
    const events = await warnedEvents();
    expect(events.map((event) => [event.customerNo, event.version, event.status, event.lastOrderDate, event.measures])).toEqual([
      [never.customerNo, 1, 'warning', null, []],
      [outside.customerNo, 1, 'warning', '2026-06-04', []],
    ]);
    expect(events[1]).toMatchObject({ churnId: second.id, customerId: outside.id, manager: MANAGER, warnedAt: SATURDAY_0200.toISOString(), confirmedAt: null });
  });

  it('adds nothing when run again, and warns a customer again once its earlier record is no longer open', async () => {
    const warned = await customers(1_234);
    expect(await scanOf(orm).execute(SATURDAY_0200)).toBe(1_234);
    expect(await scanOf(orm).execute(SATURDAY_0200)).toBe(0);
    expect(await orm.em.fork().count(ChurnRecord, {})).toBe(1_234);
    expect(await orm.em.fork().count(OutboxMessage, { type: ChurnWarnedV1.type })).toBe(1_234);

    // A record closed (its open key released) leaves the customer free to be warned again a week later.
    const em = orm.em.fork();
    const record = await em.findOneOrFail(ChurnRecord, { customerId: warned[7].id });
    record.close('O-1', SATURDAY_0200);
    await em.flush();
    const nextSaturday = new Date(SATURDAY_0200.getTime() + 7 * 24 * 3600_000);
    expect(await scanOf(orm).execute(nextSaturday)).toBe(1);
    expect(await orm.em.fork().count(ChurnRecord, { customerId: warned[7].id })).toBe(2);
  });

  it('runs once when two replicas tick at Saturday 02:00 together: one job run, each warning once', async () => {
    await customers(2_500);
    await customers(10, { lastOrder: '2026-11-30' });
    const clock: Clock = { now: () => SATURDAY_0200 };
    const replicas = await Promise.all([replica(), replica()]);
    const jobs = replicas.map((on) => {
      const runner = new ScheduledJobs(on, { now: () => clock.now() });
      runner.register(churnScanJob(scanOf(on), clock, TIME_ZONE));
      runners.push(runner);
      return runner;
    });

    expect((await Promise.all(jobs.map((runner) => runner.tick(new Date(SATURDAY_0200.getTime() - 1000))))).flat()).toEqual([
      { outcome: 'not-due' },
      { outcome: 'not-due' },
    ]);
    const outcomes = (await Promise.all(jobs.map((runner) => runner.tick(new Date(SATURDAY_0200.getTime() + 30_000))))).flat();
    expect(outcomes.map((outcome) => outcome.outcome).sort()).toEqual(['running-elsewhere', 'succeeded']);
    expect(outcomes.find((outcome) => outcome.outcome === 'succeeded')).toMatchObject({ runKey: SATURDAY_0200.toISOString(), detail: '2500' });

    const runs = await orm.em.fork().find(JobRun, { job: 'churn-scan' });
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ outcome: 'succeeded', detail: '2500', attempts: 1 });
    expect(await orm.em.fork().count(ChurnRecord, {})).toBe(2_500);
    expect(await orm.em.fork().count(OutboxMessage, { type: ChurnWarnedV1.type })).toBe(2_500);
    // Later ticks of the same Saturday find the run done.
    expect((await jobs[1].tick(new Date(SATURDAY_0200.getTime() + 60_000))).map((outcome) => outcome.outcome)).toEqual(['already-run']);
  });

  it('warns each customer once when two scans run at the same moment (an admin’s run during the Saturday run)', async () => {
    await customers(3_100);
    // On PostgreSQL two replicas, each with its own connections; on SQLite the embedded default's one
    // process, whose single connection takes the two runs' batch transactions in turn.
    const [a, b] = dialect === 'PostgreSQL' ? await Promise.all([replica(), replica()]) : [orm, orm];
    const created = await Promise.all([scanOf(a).execute(SATURDAY_0200), scanOf(b).execute(SATURDAY_0200)]);
    expect(created[0] + created[1]).toBe(3_100);
    expect(await orm.em.fork().count(ChurnRecord, {})).toBe(3_100);
    const events = await warnedEvents();
    expect(events).toHaveLength(3_100);
    expect(new Set(events.map((event) => event.customerId)).size).toBe(3_100);
  });
});
