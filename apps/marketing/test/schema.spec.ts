import { join } from 'node:path';
import type { MikroORM } from '@mikro-orm/core';
import { describeServiceSchema, expectTextIndexServes } from '@crm/testing';
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

/** The text_search migration serves the list's "contains" filters from the dialect's text index, for rows written after it ran. */
async function expectTextFiltersIndexed(orm: MikroORM) {
  const make = (customerName: string, summary: string, contact: string | null) =>
    new Opportunity({ source: null, customerName, successRate: 10, summary, contact, contactPhone: null, description: 'd' }, { id: 'u1', name: 'U One' });
  await orm.em.fork().persist([make('杭州某某科技有限公司', '采购数控机床', '王伟'), make('上海贸易有限公司', 'ERP 软件', null), make('Acme Trading', '100% cotton', 'Ann')]).flush();
  await expectTextIndexServes(orm, Opportunity, [{ customerName: '某某科技' }, { customerName: '科技' }, { customerName: '有' }, { summary: '数控' }, { summary: '100%' }, { contact: '王伟' }, { customerName: 'Acme' }]);
}

describeServiceSchema({
  service: SERVICE_NAME,
  entities: ENTITIES,
  ormInput,
  mssqlDdlFile: join(__dirname, '..', 'src', 'database', 'marketing.mssql.sql'),
  verify: async (orm) => {
    await expectRoundTripClean(orm);
    await expectTextFiltersIndexed(orm);
  },
});
