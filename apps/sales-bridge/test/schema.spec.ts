import { join } from 'node:path';
import type { MikroORM } from '@mikro-orm/core';
import { describeServiceSchema } from '@crm/testing';
import { ENTITIES, ormInput, SERVICE_NAME } from '../src/database/orm-input';
import { OrderSnapshot } from '../src/order-sync/order-snapshot.entity';

/** An order snapshot read back unchanged must not look dirty, and its calendar date stays a `YYYY-MM-DD` string. */
async function expectSnapshotRoundTripClean(orm: MikroORM) {
  const em0 = orm.em.fork();
  const snapshot = em0.create(OrderSnapshot, {
    orderId: 2_000_000_001,
    customerNo: 'KH202611290001',
    orderDate: '2026-02-28',
    statusCode: 5,
    live: true,
    digest: 'a'.repeat(40),
    version: 1,
    seenAt: new Date('2026-11-29T02:00:00.123Z'),
  });
  await em0.flush();
  const em = orm.em.fork();
  const loaded = await em.findOneOrFail(OrderSnapshot, { orderId: snapshot.orderId });
  expect(loaded).toMatchObject({ orderDate: '2026-02-28', live: true, version: 1 });
  expect(loaded.seenAt.toISOString()).toBe('2026-11-29T02:00:00.123Z');
  em.getUnitOfWork().computeChangeSets();
  expect(em.getUnitOfWork().getChangeSets()).toHaveLength(0);
}

describeServiceSchema({
  service: SERVICE_NAME,
  entities: ENTITIES,
  ormInput,
  mssqlDdlFile: join(__dirname, '..', 'src', 'database', 'sales-bridge.mssql.sql'),
  verify: expectSnapshotRoundTripClean,
});
