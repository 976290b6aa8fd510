import * as amqp from 'amqplib';
import { deleteTopology, peekQueue, testAmqpUrl, uniqueName, waitUntil } from '@crm/testing';
import { assertTopology, DeadLetterAdmin, MessagingOptions, topologyNames } from '../src';
import { run } from '../src/admin/cli/run';

/**
 * The dead-letter tools against the real broker, with messages parked each way they get there:
 * by the consumer (x-crm-* headers), by RabbitMQ at a quorum queue's delivery limit (x-death), and
 * by the alternate exchange when no queue was bound (unrouted).
 */
describe('dead letters: list, show, replay, discard', () => {
  const service = uniqueName('dlsvc');
  const options: MessagingOptions = {
    service,
    amqpUrl: testAmqpUrl(),
    exchange: uniqueName('crm.events.dl'),
    prefetch: 10,
    deliveryLimit: 3,
    outboxPollMs: 200,
    consumes: true,
  };
  const names = topologyNames(options);
  const TYPE_A = 'dltest.thing.happened.v1';
  const TYPE_B = 'dltest.thing.changed.v1';
  const UNBOUND = 'dltest.nobody.listens.v1';
  const OTHER_UNBOUND = 'dltest.nobody.either.v1';
  const lateQueue = uniqueName('dl-late-subscriber');
  const admin = new DeadLetterAdmin({ amqpUrl: options.amqpUrl, exchange: options.exchange });
  let connection: amqp.ChannelModel;
  let channel: amqp.ConfirmChannel;

  const event = (id: string, type: string) => ({
    specversion: '1.0',
    id,
    type,
    source: 'crm/dltest',
    time: '2025-03-01T08:00:00.000Z',
    datacontenttype: 'application/json',
    data: { n: id },
  });
  const properties = (id: string, type: string, headers: Record<string, unknown> = {}): amqp.Options.Publish => ({
    messageId: id,
    type,
    contentType: 'application/cloudevents+json',
    persistent: true,
    headers: { traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`, ...headers },
  });
  /** As the consumer parks a message it gave up on. */
  const park = (id: string, type: string, consumerQueue = names.consumerQueue) =>
    channel.publish(
      '',
      names.deadLetterQueue,
      Buffer.from(JSON.stringify(event(id, type))),
      properties(id, type, {
        'x-crm-error': `handler failed for ${id}`,
        'x-crm-consumer': `${service}:Things.onHappened`,
        'x-crm-consumer-queue': consumerQueue,
        'x-crm-routing-key': type,
        'x-crm-dead-lettered-at': '2025-03-01T08:05:00.000Z',
        'x-crm-attempts': 5,
      }),
    );
  /** As the relay publishes an event. */
  const publish = (id: string, type: string) => channel.publish(options.exchange, type, Buffer.from(JSON.stringify(event(id, type))), properties(id, type));
  const ids = async (queue: string, type?: string) => (await admin.list(queue, { type })).items.map((item) => item.id);
  const countOf = async (queue: string) => (await admin.queues([service])).find((q) => q.queue === queue)?.messages;
  const drain = async (queue: string) => {
    const got: amqp.GetMessage[] = [];
    for (let message = await channel.get(queue, { noAck: true }); message; message = await channel.get(queue, { noAck: true })) got.push(message);
    return got;
  };

  beforeAll(async () => {
    connection = await amqp.connect(options.amqpUrl);
    channel = await connection.createConfirmChannel();
    await assertTopology(channel, options);
    // The consumer queue with a delivery limit of 1, so RabbitMQ itself dead-letters on the 2nd return.
    await channel.assertQueue(names.consumerQueue, {
      durable: true,
      arguments: { 'x-queue-type': 'quorum', 'x-delivery-limit': 1, 'x-dead-letter-exchange': names.deadLetterExchange, 'x-dead-letter-routing-key': names.consumerQueue },
    });
    await channel.bindQueue(names.consumerQueue, options.exchange, TYPE_A);

    park('p1', TYPE_A);
    park('p2', TYPE_B);
    park('p3', TYPE_A);
    await channel.waitForConfirms();
    publish('d1', TYPE_A);
    await channel.waitForConfirms();
    for (let returns = 0; returns < 2; returns++) {
      let message: amqp.GetMessage | false = false;
      await waitUntil(async () => Boolean((message = await channel.get(names.consumerQueue, { noAck: false }))));
      channel.nack(message as unknown as amqp.GetMessage, false, true);
    }
    await waitUntil(async () => (await ids(names.deadLetterQueue)).includes('d1'), 10_000, () => 'd1 was not dead-lettered at the delivery limit');
    publish('u1', UNBOUND);
    publish('u2', UNBOUND);
    publish('u3', OTHER_UNBOUND);
    await channel.waitForConfirms();
  });

  afterAll(async () => {
    await connection?.close().catch(() => undefined);
    await deleteTopology({
      queues: [names.consumerQueue, names.deadLetterQueue, names.unroutedQueue, lateQueue, ...names.retryQueues.map((q) => q.queue)],
      exchanges: [names.exchange, names.unroutedExchange, names.deadLetterExchange],
    });
  });

  it('lists the queues with their counts; a queue never declared is absent, not an error', async () => {
    const absent = uniqueName('nosvc');
    await waitUntil(async () => (await countOf(names.deadLetterQueue)) === 4 && (await countOf(names.unroutedQueue)) === 3);
    const queues = await admin.queues([service, absent]);
    expect(queues).toEqual([
      { queue: names.deadLetterQueue, kind: 'dead-letter', service, present: true, messages: 4 },
      { queue: `${absent}.events.dlq`, kind: 'dead-letter', service: absent, present: false, messages: 0 },
      { queue: names.unroutedQueue, kind: 'unrouted', service: null, present: true, messages: 3 },
    ]);
  });

  it('peeks without removing: the same messages in the same order, twice, summarised both ways', async () => {
    const first = await admin.list(names.deadLetterQueue);
    const second = await admin.list(names.deadLetterQueue);
    expect(first.items.map((i) => i.id)).toEqual(['p1', 'p2', 'p3', 'd1']);
    expect(second.items).toEqual(first.items);
    expect(first).toMatchObject({ present: true, scanned: 4, complete: true });
    expect(first.items[0]).toEqual({
      id: 'p1',
      type: TYPE_A,
      routingKey: TYPE_A,
      source: 'crm/dltest',
      time: '2025-03-01T08:00:00.000Z',
      reason: 'handler failed for p1',
      consumer: `${service}:Things.onHappened`,
      originalQueue: names.consumerQueue,
      deadLetteredAt: '2025-03-01T08:05:00.000Z',
      attempts: 5,
    });
    expect(first.items[3]).toMatchObject({ id: 'd1', type: TYPE_A, routingKey: TYPE_A, reason: 'delivery_limit', consumer: null, originalQueue: names.consumerQueue });
    expect(first.items[3].deadLetteredAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    await waitUntil(async () => (await countOf(names.deadLetterQueue)) === 4, 10_000, () => 'the peek changed the count');
  });

  it('filters by type and limits the items, counting all that match and keeping the order', async () => {
    expect(await ids(names.deadLetterQueue, TYPE_B)).toEqual(['p2']);
    const limited = await admin.list(names.deadLetterQueue, { limit: 2 });
    expect(limited.items.map((i) => i.id)).toEqual(['p1', 'p2']);
    expect(limited).toMatchObject({ matched: 4, scanned: 4, complete: true });
    expect(await ids(names.deadLetterQueue)).toEqual(['p1', 'p2', 'p3', 'd1']);
  });

  it('shows one message with its body and headers', async () => {
    const shown = await admin.show(names.deadLetterQueue, 'p2');
    expect(shown.body).toEqual(event('p2', TYPE_B));
    expect(shown.headers).toMatchObject({ traceparent: expect.stringMatching(/^00-a{32}/), 'x-crm-error': 'handler failed for p2' });
    expect(shown.properties).toMatchObject({ messageId: 'p2', type: TYPE_B, contentType: 'application/cloudevents+json' });
    await expect(admin.show(names.deadLetterQueue, 'nope')).rejects.toMatchObject({ code: 'DEAD_LETTERS.MESSAGE_NOT_FOUND', kind: 'not_found' });
  });

  it('refuses queues that are not dead-letter or unrouted queues, and an empty or ambiguous selection', async () => {
    await expect(admin.list(names.consumerQueue)).rejects.toMatchObject({ code: 'DEAD_LETTERS.UNKNOWN_QUEUE', kind: 'not_found' });
    await expect(admin.replay(names.deadLetterQueue, {})).rejects.toMatchObject({ code: 'DEAD_LETTERS.NOTHING_SELECTED' });
    await expect(admin.discard(names.deadLetterQueue, { ids: [] })).rejects.toMatchObject({ code: 'DEAD_LETTERS.NOTHING_SELECTED' });
    await expect(admin.replay(names.deadLetterQueue, { ids: ['p1'], all: true })).rejects.toMatchObject({ code: 'DEAD_LETTERS.AMBIGUOUS_SELECTOR' });
    const restricted = new DeadLetterAdmin({ amqpUrl: options.amqpUrl, exchange: options.exchange, services: ['marketing'] });
    await expect(restricted.list(names.deadLetterQueue)).rejects.toMatchObject({ code: 'DEAD_LETTERS.UNKNOWN_QUEUE' });
  });

  it('replays by id into the consumer queue once, same id and trace, without dead-letter headers', async () => {
    expect(await drain(names.consumerQueue)).toEqual([]);
    const outcome = await admin.replay(names.deadLetterQueue, { ids: ['p1', 'd1'] });
    expect(outcome).toMatchObject({ matched: 2, done: 2, failed: [], complete: true });
    let arrived: amqp.GetMessage[] = [];
    await waitUntil(async () => (arrived = [...arrived, ...(await drain(names.consumerQueue))]).length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 300)); // time for a duplicate to show up
    arrived = [...arrived, ...(await drain(names.consumerQueue))];
    expect(arrived.map((m) => m.properties.messageId)).toEqual(['p1', 'd1']);
    for (const message of arrived) {
      expect(message.properties.type).toBe(TYPE_A);
      expect(message.properties.deliveryMode).toBe(2);
      expect(message.properties.headers?.traceparent).toMatch(/^00-a{32}/);
      const leftovers = Object.keys(message.properties.headers ?? {}).filter((h) => h.startsWith('x-crm-') || h.startsWith('x-death') || h.startsWith('x-first-death'));
      expect(leftovers).toEqual([]);
      expect(JSON.parse(message.content.toString())).toEqual(event(String(message.properties.messageId), TYPE_A));
    }
    expect(await ids(names.deadLetterQueue)).toEqual(['p2', 'p3']);
  });

  it('does not replay a dead letter whose headers name another queue', async () => {
    park('p4', TYPE_A, 'someone-else.events');
    await channel.waitForConfirms();
    const outcome = await admin.replay(names.deadLetterQueue, { ids: ['p4'] });
    expect(outcome).toMatchObject({ matched: 1, done: 0, failed: [{ id: 'p4', reason: expect.stringContaining('someone-else.events') }] });
    expect(await ids(names.deadLetterQueue)).toEqual(['p2', 'p3', 'p4']);
    await admin.discard(names.deadLetterQueue, { ids: ['p4'] });
  });

  it('replays unrouted events: still unbound they come back to the unrouted queue, once bound they arrive', async () => {
    expect(await ids(names.unroutedQueue)).toEqual(['u1', 'u2', 'u3']);
    expect((await admin.list(names.unroutedQueue)).items[0]).toMatchObject({ id: 'u1', routingKey: UNBOUND, originalQueue: null, reason: expect.stringContaining('unrouted') });
    const bounded = new DeadLetterAdmin({ amqpUrl: options.amqpUrl, exchange: options.exchange, maxScan: 2 });
    expect(await bounded.list(names.unroutedQueue)).toMatchObject({ scanned: 2, complete: false, matched: 2 });
    expect(await ids(names.unroutedQueue)).toEqual(['u1', 'u2', 'u3']);

    // Nothing bound yet: the alternate exchange takes them back (to the tail), and the call ends.
    const unbound = await admin.replay(names.unroutedQueue, { type: UNBOUND });
    expect(unbound).toMatchObject({ matched: 2, done: 2, scanned: 3, complete: true });
    expect(await ids(names.unroutedQueue)).toEqual(['u3', 'u1', 'u2']);

    await channel.assertQueue(lateQueue, { durable: true, arguments: { 'x-expires': 10 * 60_000 } });
    await channel.bindQueue(lateQueue, options.exchange, UNBOUND);
    const bound = await admin.replay(names.unroutedQueue, { type: UNBOUND });
    expect(bound).toMatchObject({ matched: 2, done: 2 });
    await waitUntil(async () => (await peekQueue(lateQueue)).length === 2);
    const arrived = await peekQueue(lateQueue);
    expect(arrived.map((m) => [m.properties.messageId, m.routingKey])).toEqual([['u1', UNBOUND], ['u2', UNBOUND]]);
    expect(await ids(names.unroutedQueue)).toEqual(['u3']);
  });

  it('discards by type', async () => {
    expect(await admin.discard(names.deadLetterQueue, { type: TYPE_A })).toMatchObject({ matched: 1, done: 1 });
    expect(await ids(names.deadLetterQueue)).toEqual(['p2']);
    expect(await admin.discard(names.unroutedQueue, { type: OTHER_UNBOUND })).toMatchObject({ matched: 1, done: 1 });
    expect(await ids(names.unroutedQueue)).toEqual([]);
  });

  it('answers BROKER_UNAVAILABLE when the broker cannot be reached', async () => {
    const away = new DeadLetterAdmin({ amqpUrl: 'amqp://guest:guest@127.0.0.1:1', exchange: options.exchange });
    await expect(away.queues([service])).rejects.toMatchObject({ code: 'DEAD_LETTERS.BROKER_UNAVAILABLE', kind: 'unavailable' });
  });

  describe('command line', () => {
    const env = { AMQP_URL: options.amqpUrl, EVENTS_EXCHANGE: options.exchange };
    const cli = async (...argv: string[]) => {
      const output = { stdout: '', stderr: '' };
      const status = await run(argv, env, { stdout: { write: (t: string) => (output.stdout += t) }, stderr: { write: (t: string) => (output.stderr += t) } });
      return { status, ...output };
    };

    it('lists as a table and as JSON', async () => {
      const human = await cli('dead-letters', 'list', names.deadLetterQueue);
      expect(human.status).toBe(0);
      expect(human.stdout).toMatch(/^id\s+type\s+reason/);
      expect(human.stdout).toContain('p2');
      expect(human.stdout).toContain('the whole queue');
      const queues = await cli('dead-letters', 'queues', '--services', service, '--json');
      expect(JSON.parse(queues.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ queue: names.deadLetterQueue, present: true })]));
    });

    it('exits 2 on usage errors and 1 on refused operations', async () => {
      expect((await cli()).status).toBe(2);
      expect((await cli('dead-letters', 'replay', names.deadLetterQueue, '--bogus')).status).toBe(2);
      expect((await cli('dead-letters', 'list')).status).toBe(2);
      expect((await cli('dead-letters', 'list', names.deadLetterQueue, '--limit', '0')).status).toBe(2);
      const nothing = await cli('dead-letters', 'replay', names.deadLetterQueue);
      expect(nothing).toMatchObject({ status: 1, stderr: expect.stringContaining('DEAD_LETTERS.NOTHING_SELECTED') });
      expect((await cli('dead-letters', 'list', 'orders')).stderr).toContain('DEAD_LETTERS.UNKNOWN_QUEUE');
    });

    it('replays by id and reports the counts', async () => {
      const replayed = await cli('dead-letters', 'replay', names.deadLetterQueue, '--id', 'p2', '--json');
      expect(replayed.status).toBe(0);
      expect(JSON.parse(replayed.stdout)).toMatchObject({ matched: 1, done: 1, failed: [] });
      await waitUntil(async () => (await drain(names.consumerQueue)).some((m) => m.properties.messageId === 'p2'));
    });
  });
});
