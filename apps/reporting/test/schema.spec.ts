import { join } from 'node:path';
import type { MikroORM } from '@mikro-orm/core';
import { describeServiceSchema } from '@crm/testing';
import { ChurnFact } from '../src/churn/churn-fact.entity';
import { CustomerContribution } from '../src/contribution/customer-contribution.entity';
import { ENTITIES, ormInput, SERVICE_NAME } from '../src/database/orm-input';

/** Facts and aggregates read back unchanged are not dirty: dates stay `YYYY-MM-DD`, measures stay JSON, cents stay whole numbers. */
async function expectRoundTripClean(orm: MikroORM) {
  const em0 = orm.em.fork();
  em0.create(ChurnFact, {
    churnId: 'churn-1',
    sourceVersion: 3,
    customerId: 'customer-1',
    customerNo: 'KH202611290001',
    customerName: '华东机械',
    managerId: 'manager-1',
    managerName: 'Maria Manager',
    lastOrderDate: '2026-02-28',
    warnedAt: new Date('2026-11-28T18:00:00.000Z'),
    status: 'confirmed',
    measures: [{ measure: '回访', at: '2026-11-29T02:00:00.000Z', by: { id: 'manager-1', name: 'Maria Manager' } }],
    reason: '转向竞争对手',
    confirmedAt: new Date('2026-11-29T03:00:00.123Z'),
  });
  em0.create(CustomerContribution, { customerNo: 'KH202611290001', year: 2026, totalCents: 9_007_199_254_740_000, orderCount: 3 });
  await em0.flush();
  const em = orm.em.fork();
  const churn = await em.findOneOrFail(ChurnFact, { churnId: 'churn-1' });
  expect(churn).toMatchObject({ lastOrderDate: '2026-02-28', measures: [{ measure: '回访', by: { name: 'Maria Manager' } }] });
  expect(churn.confirmedAt?.toISOString()).toBe('2026-11-29T03:00:00.123Z');
  const contribution = await em.findOneOrFail(CustomerContribution, { customerNo: 'KH202611290001', year: 2026 });
  expect(contribution.totalCents).toBe(9_007_199_254_740_000);
  em.getUnitOfWork().computeChangeSets();
  expect(em.getUnitOfWork().getChangeSets()).toHaveLength(0);
}

describeServiceSchema({
  service: SERVICE_NAME,
  entities: ENTITIES,
  ormInput,
  mssqlDdlFile: join(__dirname, '..', 'src', 'database', 'reporting.mssql.sql'),
  verify: expectRoundTripClean,
});
