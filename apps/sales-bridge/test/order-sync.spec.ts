import { mkdtempSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import { SalesOrderRecordedV1, type EventData } from '@crm/contracts';
import { EventOutbox, OutboxMessage, type MessagingOptions } from '@crm/messaging';
import { initOrm, runMigrations } from '@crm/persistence';
import { salesNames } from '@crm/sales-system';
import { ormInput } from '../src/database/orm-input';
import { OrderSnapshot } from '../src/order-sync/order-snapshot.entity';
import { OrderSync } from '../src/order-sync/order-sync.service';
import { SalesDatabase } from '../src/sales-db/sales-database';
import { SalesSystemError } from '../src/sales-db/sales-system.errors';
import { SalesSystemFile } from './support/sales-system-file';

type Recorded = EventData<typeof SalesOrderRecordedV1>;

const BATCH = 20;

/**
 * The order sync against a sales system that keeps no change timestamps: every order is
 * published once when first seen and once per real change, found by comparison — new orders at
 * once, status moves by the live sweep, anything else (a paid order's lines, an order committed
 * late under a lower key) by the full sweep — and a poll that died half way is neither lost nor
 * repeated when the next process takes over.
 */
describe('order sync (sales system → sales.order.recorded.v1 through the outbox)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'crm-order-sync-'));
  const salesFile = join(dir, 'sales-system.sqlite');
  let sales: SalesSystemFile;
  let orm: MikroORM;
  let reader: SalesDatabase;
  const outbox = new EventOutbox({ service: 'sales-bridge' } as MessagingOptions);

  const newSync = () => new OrderSync(orm, reader, outbox, BATCH);
  /** Polls until nothing is left to do at once (a first sync takes several polls). */
  const catchUp = async (sync = newSync()) => {
    for (let polls = 1; polls < 100; polls++) if (!(await sync.poll()).behind) return polls;
    throw new Error('the sync never caught up');
  };
  /** Full sweeps over every order once more. */
  const sweepAll = async (sync = newSync(), orders = 200) => {
    for (let polls = 0; polls < Math.ceil(orders / BATCH) + 2; polls++) await sync.poll();
  };
  const recorded = async (): Promise<Recorded[]> =>
    (await orm.em.fork().find(OutboxMessage, { type: SalesOrderRecordedV1.type }, { orderBy: { seq: 'asc' } })).map((m) => m.data as Recorded);
  const recordedFor = async (orderNo: string) => (await recorded()).filter((event) => event.orderNo === orderNo);

  beforeAll(async () => {
    sales = await SalesSystemFile.create(salesFile);
    await sales.product(1, '电动叉车', '128000.00');
    await sales.product(2, '液压托盘车', '3250.50');
    await sales.product(3, '货架立柱', '19.99', '件');
    for (let id = 1; id <= 150; id++) {
      // Ids leave gaps (the sales system's own numbering); every status appears.
      await sales.order(id * 2, `KH20260101${String(id % 7).padStart(4, '0')}`, `2025-${String((id % 12) + 1).padStart(2, '0')}-15`, (id % 6) + 1, [
        [1, 1, '128000.00'],
        [3, id, '19.99'],
      ]);
    }
    const input = ormInput({ DB_DRIVER: 'sqlite', DB_NAME: join(dir, 'sales-bridge.sqlite') });
    await runMigrations(input);
    orm = await initOrm(input);
    reader = new SalesDatabase({ driver: 'sqlite', name: salesFile, poolMax: 1, names: salesNames(), timeoutMs: 5_000 });
  });

  afterAll(async () => {
    await reader?.onModuleDestroy();
    await orm?.close(true);
    await sales?.close();
  });

  it('publishes every order once on the first sync, with its total the sum of its lines', async () => {
    expect(await catchUp()).toBeGreaterThan(150 / BATCH);
    const events = await recorded();
    expect(events).toHaveLength(150);
    expect(new Set(events.map((event) => event.orderNo)).size).toBe(150);
    const order8 = events.find((event) => event.orderNo === '8')!;
    // 1 × 128,000.00 + 4 × 19.99, exactly.
    expect(order8).toMatchObject({ orderId: '8', version: 1, customerNo: 'KH202601010004', orderDate: '2025-05-15', statusCode: 5, status: 'shipped', totalAmount: 128079.96, lineCount: 2 });
    expect(events.filter((event) => event.statusCode === 6).every((event) => event.status === 'paid')).toBe(true);
    expect(events.filter((event) => event.statusCode < 5).every((event) => event.status === 'open')).toBe(true);
  });

  it('publishes nothing more while nothing changes, however often it looks', async () => {
    await sweepAll();
    expect(await recorded()).toHaveLength(150);
  });

  it('publishes a status change once, as the order’s next version, within one sweep of the unpaid orders', async () => {
    // Order 6 (id 3): status 4 → 5 (shipped).
    expect((await recordedFor('6'))[0].statusCode).toBe(4);
    await sales.setStatus(6, 5);
    const unpaid = await orm.em.fork().count(OrderSnapshot, { live: true });
    const sync = newSync();
    for (let polls = 0; polls <= Math.ceil(unpaid / BATCH); polls++) await sync.poll();
    expect((await recordedFor('6')).map((event) => [event.version, event.statusCode, event.status])).toEqual([
      [1, 4, 'open'],
      [2, 5, 'shipped'],
    ]);
    await sweepAll();
    expect(await recordedFor('6')).toHaveLength(2);
  });

  it('finds a change to a paid order, and an order committed late under a lower key, with the full sweep', async () => {
    const paid = (await recorded()).find((event) => event.statusCode === 6)!;
    await sales.setLinePrices(Number(paid.orderId), '10.00');
    // Id 3 is below the highest seen (300): the new-orders step cannot see it.
    await sales.order(3, 'KH202601010099', '2026-11-01', 1, [[2, 2, '3250.50']]);
    await sweepAll();
    const changed = await recordedFor(paid.orderNo);
    expect(changed.map((event) => event.version)).toEqual([1, 2]);
    expect(changed[1].totalAmount).toBeCloseTo((1 + (Number(paid.orderId) / 2)) * 10, 2);
    expect(await recordedFor('3')).toEqual([expect.objectContaining({ version: 1, customerNo: 'KH202601010099', totalAmount: 6501, statusCode: 1 })]);
  });

  it('passes over an order whose customer number no CRM customer can have, instead of stalling on it', async () => {
    await sales.order(900, 'NOT-A-CRM-CUSTOMER-NUMBER-AT-ALL', '2026-11-02', 5, [[2, 1, '3250.50']]);
    await sales.order(901, 'KH202601010101', '2026-11-02', 5, [[2, 1, '3250.50']]);
    await catchUp();
    expect(await recordedFor('900')).toEqual([]);
    expect(await recordedFor('901')).toEqual([expect.objectContaining({ customerNo: 'KH202601010101', version: 1 })]);
  });

  it('neither misses nor repeats an order when a poll dies half way and another process takes over', async () => {
    for (let id = 1000; id < 1000 + 3 * BATCH; id++) await sales.order(id, 'KH202601010100', '2026-11-20', 2, [[2, 1, '3250.50']]);
    const before = (await recorded()).length;
    // The process dies while committing its second batch: that transaction never commits.
    const dying = newSync();
    let batches = 0;
    const original = outbox.recordMany.bind(outbox);
    const record = jest.spyOn(outbox, 'recordMany').mockImplementation(async (...args: Parameters<EventOutbox['recordMany']>) => {
      if (args[2].length > 0 && ++batches > 1) throw new Error('killed');
      return original(...args);
    });
    await dying.poll();
    await expect(dying.poll()).rejects.toThrow('killed');
    record.mockRestore();
    await catchUp();
    const events = (await recorded()).slice(before);
    expect(events.map((event) => Number(event.orderNo)).sort((a, b) => a - b)).toEqual(Array.from({ length: 3 * BATCH }, (_, i) => 1000 + i));
    expect(events.every((event) => event.version === 1)).toBe(true);
  });

  it('answers 503 while the sales system is gone, keeps its own state, and goes on where it stopped when it is back', async () => {
    const snapshots = await orm.em.fork().count(OrderSnapshot);
    renameSync(salesFile, `${salesFile}.away`);
    const downReader = new SalesDatabase({ driver: 'sqlite', name: salesFile, poolMax: 1, names: salesNames(), timeoutMs: 5_000 });
    const error = await new OrderSync(orm, downReader, outbox, BATCH).poll().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SalesSystemError);
    expect(error).toMatchObject({ code: 'SALES.UNAVAILABLE', kind: 'unavailable' });
    expect(await orm.em.fork().count(OrderSnapshot)).toBe(snapshots);
    renameSync(`${salesFile}.away`, salesFile);
    await downReader.onModuleDestroy();
    await sales.setStatus(1000, 6);
    await sweepAll(newSync(), 400);
    expect((await recordedFor('1000')).at(-1)).toMatchObject({ statusCode: 6, status: 'paid' });
  });
});
