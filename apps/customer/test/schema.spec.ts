import { join } from 'node:path';
import type { MikroORM } from '@mikro-orm/core';
import { OutboxMessage } from '@crm/messaging';
import { containsConditions, findPageByText, initOrm, matchTextIndex, NEWEST_FIRST, runMigrations, ServiceOrmInput, textIndexDrift } from '@crm/persistence';
import { describeServiceSchema } from '@crm/testing';
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

/**
 * The text_search migration leaves "name contains" served by the dialect's text index (FTS5 on
 * SQLite, pg_trgm on PostgreSQL) with the results of the plain LIKE, for rows written after it ran.
 */
async function expectNameFilterIndexed(orm: MikroORM, input: ServiceOrmInput) {
  const manager = { id: 'm1', name: 'M' };
  const names = ['上海某某科技有限公司', '哈尔滨重工机械有限公司', 'Acme 100% Trading'];
  await orm.em.fork().persist(names.map((name, i) => new Customer(`KH2026112900${i + 2}`, { name }, manager, manager))).flush();
  for (const name of ['某某科技', '科技', '有', '重工机械', '100%', 'Acme']) {
    const filters = [{ status: { $ne: 'deleted' } }] as const;
    const [items, total] = await findPageByText(orm.em.fork(), Customer, [...filters], { name }, 0, 20);
    const [expected, expectedTotal] = await orm.em.fork().findAndCount(Customer, { $and: [...filters, ...containsConditions<Customer>({ name })] }, { orderBy: NEWEST_FIRST });
    expect({ name, ids: items.map((c) => c.id), total }).toEqual({ name, ids: expected.map((c) => c.id), total: expectedTotal });
    expect(total).toBeGreaterThan(0);
  }
  expect(await textIndexDrift(orm)).toEqual([]);
  if (input.db.DB_DRIVER === 'sqlite') {
    expect(await (await matchTextIndex(orm.em.fork(), Customer, { name: '重工机械' }))?.count()).toBe(1);
  } else if (input.db.DB_DRIVER === 'postgresql') {
    const indexes = await orm.em.getConnection().execute<{ indexname: string }[]>(
      `select indexname from pg_indexes where schemaname = ? and indexdef like '%gin_trgm_ops%'`,
      [orm.config.get('schema')],
    );
    expect(indexes.map((row: { indexname: string }) => row.indexname)).toEqual(['customer_name_trgm_idx']);
  }
}

describeServiceSchema({
  service: SERVICE_NAME,
  entities: ENTITIES,
  ormInput,
  mssqlDdlFile: join(__dirname, '..', 'src', 'database', 'customer.mssql.sql'),
  verify: async (orm, input) => {
    await expectRoundTripClean(orm);
    await expectNameFilterIndexed(orm, input);
    await expectSeededOnce(input);
  },
});
