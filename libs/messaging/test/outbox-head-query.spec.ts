import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MikroORM } from '@mikro-orm/core';
import { initOrm } from '@crm/persistence';
import { MESSAGING_ENTITIES, type MessagingOptions, OutboxRelay } from '../src';

/**
 * The relay's read of the head of the outbox must walk an index in `seq` order. With the pending
 * index on (sent_at, available_at) SQLite sorted every unsent row for each batch of 100: at a
 * backlog of 860,000 events (the sales bridge's first sync of a million orders) that was 150 ms a
 * read and the relay published ~120 events/s.
 */
describe('the outbox relay’s head query', () => {
  let orm: MikroORM;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-outbox-head-'));
    orm = await initOrm({ service: 'widgets', entities: MESSAGING_ENTITIES, db: { DB_DRIVER: 'sqlite', DB_NAME: join(dir, 'widgets.sqlite') } });
    await orm.schema.create();
  });

  afterAll(() => orm?.close(true));

  it('reads the oldest unsent rows from the index, without sorting the backlog', async () => {
    const statements: { sql: string; params: unknown[] }[] = [];
    const connection = orm.em.getConnection();
    const execute = connection.execute.bind(connection);
    jest.spyOn(connection, 'execute').mockImplementation(((sql: string, params: unknown[] = [], ...rest: unknown[]) => {
      statements.push({ sql, params });
      return (execute as (...args: unknown[]) => Promise<unknown>)(sql, params, ...rest);
    }) as typeof connection.execute);
    const relay = new OutboxRelay(orm, { service: 'widgets', exchange: 'unused', amqpUrl: 'amqp://127.0.0.1:1' } as MessagingOptions);
    expect(await relay.relayOnce()).toBe(0);
    jest.restoreAllMocks();

    const head = statements.find(({ sql }) => /^select/i.test(sql) && /outbox_message/.test(sql) && /order by/i.test(sql));
    expect(head).toBeDefined();
    const plan = (await orm.em.getConnection().execute<{ detail: string }[]>(`explain query plan ${head!.sql}`, head!.params)).map((row: { detail: string }) => row.detail).join(' | ');
    expect(plan).toContain('outbox_message_pending_idx');
    expect(plan).not.toMatch(/TEMP B-TREE/);
  });
});
