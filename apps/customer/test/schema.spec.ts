import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { type MikroORM, UniqueConstraintViolationException } from '@mikro-orm/core';
import { OutboxMessage } from '@crm/messaging';
import { initOrm, runMigrations, ServiceOrmInput } from '@crm/persistence';
import { describeServiceSchema, expectTextIndexServes } from '@crm/testing';
import { ENTITIES, ormInput, SERVICE_NAME } from '../src/database/orm-input';
import { Customer } from '../src/customers/customer.entity';
import { DictionaryItem } from '../src/dictionary/dictionary-item.entity';
import { DICTIONARY_SEED } from '../src/dictionary/dictionary-seed';
import { ChurnRecord } from '../src/churn/churn-record.entity';
import { CustomerOrderActivity } from '../src/orders/customer-order-activity.entity';

/** A loaded, unchanged customer must not look dirty (dates and nullable numbers round-trip). */
async function expectRoundTripClean(orm: MikroORM) {
  const customer = new Customer('KH202611290001', { name: 'ACME', credit: 3, registeredCapital: 500 }, { id: 'm1', name: 'M' }, { id: 'm1', name: 'M' });
  await orm.em.fork().persist(customer).flush();
  const em = orm.em.fork();
  await em.findOneOrFail(Customer, customer.id);
  em.getUnitOfWork().computeChangeSets();
  expect(em.getUnitOfWork().getChangeSets()).toHaveLength(0);
}

/** The seed ran once: every item exists once, and each was published through the outbox once. */
async function expectSeededOnce(input: ServiceOrmInput) {
  const again = await runMigrations(input);
  expect(again.executed).toEqual([]);
  const orm = await initOrm(input);
  try {
    const em = orm.em.fork();
    expect(await em.count(DictionaryItem, {})).toBe(DICTIONARY_SEED.length);
    expect(await em.count(OutboxMessage, { type: 'basedata.dictionary.changed.v1' })).toBe(DICTIONARY_SEED.length);
    const level = await em.findOneOrFail(DictionaryItem, { category: '企业客户等级', item: '大客户' });
    expect(level).toMatchObject({ value: '3', editable: true, version: 1 });
    expect((await em.findOneOrFail(DictionaryItem, { category: '服务类型', item: '投诉' })).editable).toBe(false);
  } finally {
    await orm.close(true);
  }
}

/** The text_search migration serves "name contains" from the dialect's text index, for rows written after it ran. */
async function expectNameFilterIndexed(orm: MikroORM) {
  const manager = { id: 'm1', name: 'M' };
  const names = ['上海某某科技有限公司', '哈尔滨重工机械有限公司', 'Acme 100% Trading'];
  await orm.em.fork().persist(names.map((name, i) => new Customer(`KH2026112900${i + 2}`, { name }, manager, manager))).flush();
  const queries = ['某某科技', '科技', '有', '重工机械', '100%', 'Acme'].map((name) => ({ name }));
  await expectTextIndexServes(orm, Customer, queries, [{ status: { $ne: 'deleted' } }]);
}

/**
 * Churn records and order activity reload unchanged (their calendar dates round-trip as YYYY-MM-DD),
 * and the database itself refuses a second open record of one customer.
 */
async function expectChurnTables(orm: MikroORM) {
  const customer = { id: randomUUID(), customerNo: 'KH202611290099', name: 'ACME', manager: { id: 'm1', name: 'M' } };
  const record = new ChurnRecord(customer, '2026-05-31', new Date('2026-12-04T18:00:00Z'));
  record.defer('Visit the buyer', { id: 'm1', name: 'M' }, new Date('2026-12-05T01:00:00Z'));
  await orm.em.fork().persist([record, new CustomerOrderActivity(customer.customerNo, '2026-05-31', '42', new Date())]).flush();
  const em = orm.em.fork();
  const loaded = await em.findOneOrFail(ChurnRecord, record.id, { populate: ['measures'] });
  const activity = await em.findOneOrFail(CustomerOrderActivity, { customerNo: customer.customerNo });
  em.getUnitOfWork().computeChangeSets();
  expect(em.getUnitOfWork().getChangeSets()).toHaveLength(0);
  expect([loaded.lastOrderDate, activity.lastOrderDate, loaded.measures.length]).toEqual(['2026-05-31', '2026-05-31', 1]);
  await expect(orm.em.fork().insert(new ChurnRecord(customer, null, new Date()))).rejects.toBeInstanceOf(UniqueConstraintViolationException);
}

describeServiceSchema({
  service: SERVICE_NAME,
  entities: ENTITIES,
  ormInput,
  mssqlDdlFile: join(__dirname, '..', 'src', 'database', 'customer.mssql.sql'),
  verify: async (orm, input) => {
    await expectRoundTripClean(orm);
    await expectNameFilterIndexed(orm);
    await expectChurnTables(orm);
    await expectSeededOnce(input);
  },
});
