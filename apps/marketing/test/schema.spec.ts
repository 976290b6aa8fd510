import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import { expectMssqlDdlSnapshot, initOrm, pendingSchemaDiff, runMigrations } from '@crm/persistence';
import { ENTITIES, ormInput, SERVICE_NAME } from '../src/database/orm-input';
import { Opportunity } from '../src/opportunities/opportunity.entity';
import { PlanItem } from '../src/plans/plan-item.entity';

/**
 * A loaded opportunity that nobody changed must not look dirty: with `type: 'datetime'` MikroORM
 * 7.2 saw every date as changed, so each flush rewrote it and bumped the version — which turned
 * a plain delete into a 409. The same for a plan item, whose calendar date must come back as the
 * `YYYY-MM-DD` string it was written as (PostgreSQL's driver would make it a Date).
 */
async function expectRoundTripClean(orm: MikroORM) {
  const opportunity = new Opportunity(
    { source: null, customerName: 'ACME', successRate: 10, summary: 's', contact: null, contactPhone: null, description: 'd' },
    { id: 'u1', name: 'U One' },
  );
  opportunity.assign({ id: 'u2', name: 'U Two' }, { id: 'u3', name: 'U Three' });
  const item = new PlanItem(opportunity, '2026-02-28', 'Call the buyer', { id: 'u2', name: 'U Two' });
  await orm.em.fork().persist([opportunity, item]).flush();
  const em = orm.em.fork();
  const loaded = await em.findOneOrFail(Opportunity, opportunity.id);
  expect(loaded.assignedAt?.toISOString()).toBe(opportunity.assignedAt?.toISOString());
  const loadedItem = await em.findOneOrFail(PlanItem, item.id);
  expect(loadedItem).toMatchObject({ date: '2026-02-28', result: null, opportunity: loaded });
  em.getUnitOfWork().computeChangeSets();
  expect(em.getUnitOfWork().getChangeSets()).toHaveLength(0);
}

/** The committed migrations must build exactly the schema the entities describe, on every driver. */
describe('marketing schema', () => {
  let orm: MikroORM | undefined;
  afterEach(async () => {
    await orm?.close(true);
    orm = undefined;
  });

  it('SQLite: the migrations produce the entities’ schema', async () => {
    const input = ormInput({ DB_DRIVER: 'sqlite', DB_NAME: join(mkdtempSync(join(tmpdir(), 'crm-mkt-')), 'marketing.sqlite') });
    const { executed } = await runMigrations(input);
    expect(executed.length).toBeGreaterThan(0);
    orm = await initOrm(input);
    expect(await pendingSchemaDiff(orm)).toBe('');
    expect(await orm.em.getConnection().execute('pragma journal_mode')).toEqual([{ journal_mode: 'wal' }]);
    await expectRoundTripClean(orm);
  });

  it('PostgreSQL: the migrations produce the entities’ schema in the service’s own schema', async () => {
    const schema = `marketing_t${process.env.CRM_TEST_RUN_ID ?? 'x'}`.replace(/[^a-z0-9_]/g, '');
    const input = ormInput({ DB_DRIVER: 'postgresql', DB_URL: process.env.CRM_TEST_PG_URL, DB_SCHEMA: schema });
    try {
      await runMigrations(input);
      orm = await initOrm(input);
      expect(await pendingSchemaDiff(orm)).toBe('');
      await expectRoundTripClean(orm);
    } finally {
      await orm?.em.getConnection().execute(`drop schema if exists "${schema}" cascade`);
    }
  });

  // Runs where a container runtime (or CRM_TEST_MSSQL_URL) provides a SQL Server; reported as
  // skipped otherwise, and the global setup prints why.
  const mssqlUrl = process.env.CRM_TEST_MSSQL_URL;
  (mssqlUrl ? it : it.skip)('SQL Server: the migrations run on a live server and produce the entities’ schema', async () => {
    const schema = `marketing_t${process.env.CRM_TEST_RUN_ID ?? 'x'}`.replace(/[^a-z0-9_]/g, '');
    const input = ormInput({ DB_DRIVER: 'mssql', DB_URL: mssqlUrl, DB_SCHEMA: schema });
    await runMigrations(input);
    orm = await initOrm(input);
    expect(await pendingSchemaDiff(orm)).toBe('');
  });

  it('SQL Server: the DDL generated offline matches the committed snapshot', async () => {
    await expectMssqlDdlSnapshot({ service: SERVICE_NAME, entities: ENTITIES }, join(__dirname, '..', 'src', 'database', 'marketing.mssql.sql'));
  });
});
