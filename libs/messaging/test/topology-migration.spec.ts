import * as amqp from 'amqplib';
import { deleteTopology, peekQueue, testAmqpUrl, uniqueName, waitUntil } from '@crm/testing';
import { assertTopology, checkTopology, migrateQueue, temporaryOf, TopologyTarget, topologyNames } from '../src';

/**
 * A queue declared by an earlier version with other arguments: the check names it, and the
 * migration recreates it with the current arguments without losing a message, also when a
 * previous migration was interrupted half way.
 */
describe('topology check and migration', () => {
  const target: TopologyTarget = { service: uniqueName('mgsvc'), exchange: uniqueName('crm.events.mg'), amqpUrl: testAmqpUrl(), consumes: true };
  const names = topologyNames(target);
  const TYPE = 'mgtest.thing.happened.v1';
  let connection: amqp.ChannelModel;
  let channel: amqp.ConfirmChannel;

  const send = async (queue: string, ids: string[]) => {
    for (const id of ids) channel.sendToQueue(queue, Buffer.from(JSON.stringify({ id })), { messageId: id, type: TYPE, persistent: true });
    await channel.waitForConfirms();
  };
  const idsIn = async (queue: string) => (await peekQueue(queue)).map((m) => m.properties.messageId);
  const entry = (report: Awaited<ReturnType<typeof checkTopology>>, name: string) => report.entries.find((e) => e.name === name);

  beforeAll(async () => {
    connection = await amqp.connect(target.amqpUrl);
    channel = await connection.createConfirmChannel();
    channel.on('error', () => undefined);
    await assertTopology(channel, { ...target, prefetch: 1, deliveryLimit: 1, outboxPollMs: 1000 });
    // As an older version declared it: another delivery limit and no dead-letter strategy.
    await channel.assertQueue(names.consumerQueue, { durable: true, arguments: { 'x-queue-type': 'quorum', 'x-delivery-limit': 5 } });
    await channel.bindQueue(names.consumerQueue, target.exchange, TYPE);
    await send(names.consumerQueue, ['c1', 'c2', 'c3', 'c4', 'c5']);
  });

  afterAll(async () => {
    await connection?.close().catch(() => undefined);
    const queues = [names.consumerQueue, names.deadLetterQueue, names.unroutedQueue, ...names.retryQueues.map((q) => q.queue)];
    await deleteTopology({
      queues: [...queues, ...queues.map(temporaryOf)],
      exchanges: [names.exchange, names.unroutedExchange, names.deadLetterExchange],
    });
  });

  it('reports the queue whose arguments differ, with the broker’s reason, and everything else ok', async () => {
    const report = await checkTopology(target);
    expect(report.ok).toBe(false);
    expect(entry(report, names.consumerQueue)).toMatchObject({ kind: 'queue', status: 'mismatch', detail: expect.stringContaining('inequivalent arg') });
    expect(report.entries.filter((e) => e.name !== names.consumerQueue).every((e) => e.status === 'ok')).toBe(true);
    expect(report.entries.map((e) => e.name)).toEqual(expect.arrayContaining([names.exchange, names.deadLetterExchange, names.deadLetterQueue, names.unroutedQueue]));
  });

  it('refuses to migrate a queue that still has consumers, or one the service does not declare', async () => {
    const consumer = await connection.createChannel();
    await consumer.prefetch(1);
    await consumer.consume(names.consumerQueue, () => undefined, { noAck: false });
    await expect(migrateQueue(target, names.consumerQueue)).rejects.toMatchObject({ code: 'TOPOLOGY.QUEUE_IN_USE' });
    await consumer.close();
    await expect(migrateQueue(target, 'orders.events')).rejects.toMatchObject({ code: 'TOPOLOGY.UNKNOWN_QUEUE' });
    await waitUntil(async () => (await idsIn(names.consumerQueue)).length === 5);
  });

  it('migrates the queue keeping its 5 messages in order and its bindings; the check is then ok', async () => {
    const result = await migrateQueue(target, names.consumerQueue, { bindings: [TYPE] });
    expect(result).toMatchObject({ queue: names.consumerQueue, status: 'migrated', moved: 5, lost: 0 });
    const report = await checkTopology(target);
    expect(entry(report, names.consumerQueue)).toMatchObject({ status: 'ok' });
    expect(report.ok).toBe(true);
    expect(await idsIn(names.consumerQueue)).toEqual(['c1', 'c2', 'c3', 'c4', 'c5']);
    channel.publish(target.exchange, TYPE, Buffer.from(JSON.stringify({ id: 'c6' })), { messageId: 'c6', type: TYPE, persistent: true });
    await channel.waitForConfirms();
    expect(await idsIn(names.consumerQueue)).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
    expect(await migrateQueue(target, names.consumerQueue)).toMatchObject({ status: 'current', moved: 0 });
  });

  it('finishes an interrupted migration: older messages from <queue>.migrating first, then the rest, bindings restored', async () => {
    // Interrupted while moving out: the old dead-letter queue (classic) still holds the 2 newest.
    await channel.deleteQueue(names.deadLetterQueue);
    await channel.assertQueue(names.deadLetterQueue, { durable: true });
    await channel.assertQueue(temporaryOf(names.deadLetterQueue), { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    await send(temporaryOf(names.deadLetterQueue), ['d1', 'd2', 'd3']);
    await send(names.deadLetterQueue, ['d4', 'd5']);
    const before = await checkTopology(target);
    expect(entry(before, temporaryOf(names.deadLetterQueue))).toMatchObject({ status: 'migrating' });
    expect(entry(before, names.deadLetterQueue)).toMatchObject({ status: 'mismatch' });

    const result = await migrateQueue(target, names.deadLetterQueue);
    expect(result).toMatchObject({ status: 'resumed', moved: 5, lost: 0 });
    expect(await idsIn(names.deadLetterQueue)).toEqual(['d1', 'd2', 'd3', 'd4', 'd5']);
    const after = await checkTopology(target);
    expect(after.ok).toBe(true);
    expect(entry(after, temporaryOf(names.deadLetterQueue))).toBeUndefined();
    // The dead-letter exchange's binding is back: a dead letter still reaches the queue.
    channel.publish(names.deadLetterExchange, names.consumerQueue, Buffer.from(JSON.stringify({ id: 'd6' })), { messageId: 'd6', persistent: true });
    await channel.waitForConfirms();
    await waitUntil(async () => (await idsIn(names.deadLetterQueue)).includes('d6'));
  });

  it('answers TOPOLOGY.BROKER_UNAVAILABLE when the broker cannot be reached', async () => {
    await expect(checkTopology({ ...target, amqpUrl: 'amqp://guest:guest@127.0.0.1:1' })).rejects.toMatchObject({ code: 'TOPOLOGY.BROKER_UNAVAILABLE' });
  });
});
