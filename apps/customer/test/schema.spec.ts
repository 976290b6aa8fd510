import { join } from 'node:path';
import type { MikroORM } from '@mikro-orm/core';
import { OutboxMessage } from '@crm/messaging';
import { initOrm, runMigrations, ServiceOrmInput } from '@crm/persistence';
import { describeServiceSchema, expectTextIndexServes } from '@crm/testing';
import { ENTITIES, ormInput, SERVICE_NAME } from '../src/database/orm-input';
import { Customer } from '../src/customers/customer.entity';
import { DictionaryItem } from '../src/dictionary/dictionary-item.entity';
import { DICTIONARY_SEED } from '../src/dictionary/dictionary-seed';

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

describeServiceSchema({
  service: SERVICE_NAME,
  entities: ENTITIES,
  ormInput,
  mssqlDdlFile: join(__dirname, '..', 'src', 'database', 'customer.mssql.sql'),
  verify: async (orm, input) => {
    await expectRoundTripClean(orm);
    await expectNameFilterIndexed(orm);
    await expectSeededOnce(input);
  },
});
