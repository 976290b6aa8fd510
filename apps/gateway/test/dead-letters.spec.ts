import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import * as amqp from 'amqplib';
import { assertTopology, topologyNames } from '@crm/messaging';
import { deleteTopology, testAmqpUrl, uniqueName } from '@crm/testing';
import { createGateway } from './support/gateway';

async function startGateway(env: Record<string, string>): Promise<NestFastifyApplication> {
  const app = await createGateway(env);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

/**
 * The admin endpoint in the gateway, in process, against the real broker: roles, the queue
 * allow-list, problem+json errors, and a replay of an unrouted event. Only the unrouted queue of a
 * unique exchange is changed: dead-letter queue names do not depend on the exchange, so shared
 * ones (`marketing.events.dlq`) are only counted here, never read or changed.
 */
describe('gateway: /admin/dead-letters', () => {
  const exchange = uniqueName('crm.events.gwdl');
  const names = topologyNames({ service: 'gateway-test', exchange });
  const TYPE = 'gwtest.thing.happened.v1';
  const subscriberQueue = uniqueName('gwdl-subscriber');
  let app: NestFastifyApplication;
  let connection: amqp.ChannelModel;
  let channel: amqp.ConfirmChannel;

  const call = (role: string, method: 'GET' | 'POST', url: string, body?: unknown) =>
    app.inject({ method, url: `/api/v1/admin/dead-letters${url}`, headers: { authorization: `Bearer ${role}` }, ...(body === undefined ? {} : { payload: body as object }) });

  beforeAll(async () => {
    connection = await amqp.connect(testAmqpUrl());
    channel = await connection.createConfirmChannel();
    await assertTopology(channel, { service: 'gateway-test', exchange, amqpUrl: testAmqpUrl(), prefetch: 1, deliveryLimit: 1, outboxPollMs: 1000 });
    for (const id of ['g1', 'g2']) {
      channel.publish(exchange, TYPE, Buffer.from(JSON.stringify({ id, type: TYPE })), { messageId: id, type: TYPE, persistent: true });
    }
    await channel.waitForConfirms();
    app = await startGateway({ AMQP_URL: testAmqpUrl(), EVENTS_EXCHANGE: exchange });
  });

  afterAll(async () => {
    await app?.close();
    await connection?.close().catch(() => undefined);
    await deleteTopology({ queues: [names.unroutedQueue, subscriberQueue], exchanges: [exchange, names.unroutedExchange] });
  });

  it('lists the known services’ dead-letter queues and the unrouted queue, for admins only', async () => {
    const response = await call('admin', 'GET', '');
    expect(response.statusCode).toBe(200);
    const items = response.json().items as { queue: string; kind: string; present: boolean }[];
    expect(items.map((q) => q.queue)).toEqual(expect.arrayContaining(['marketing.events.dlq', 'customer.events.dlq', 'sales-bridge.events.dlq', names.unroutedQueue]));
    expect(items.find((q) => q.queue === names.unroutedQueue)).toMatchObject({ kind: 'unrouted', present: true });

    const forbidden = await call('supervisor', 'GET', '');
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.headers['content-type']).toContain('application/problem+json');
    expect(forbidden.json()).toMatchObject({ code: 'AUTH.FORBIDDEN' });
  });

  it('answers 404 problem+json for a queue that is not a known dead-letter or unrouted queue', async () => {
    for (const queue of ['orders.events.dlq', 'marketing.events', 'crm.events.dlx']) {
      const response = await call('admin', 'GET', `/${queue}`);
      expect(response.statusCode).toBe(404);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json()).toMatchObject({ status: 404, code: 'DEAD_LETTERS.UNKNOWN_QUEUE' });
    }
  });

  it('lists, shows and validates the selection', async () => {
    const list = await call('admin', 'GET', `/${names.unroutedQueue}?type=${TYPE}&limit=5`);
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({ queue: names.unroutedQueue, present: true, complete: true, matched: 2 });
    expect(list.json().items.map((i: { id: string }) => i.id)).toEqual(['g1', 'g2']);

    const shown = await call('admin', 'GET', `/${names.unroutedQueue}/messages/g2`);
    expect(shown.statusCode).toBe(200);
    expect(shown.json()).toMatchObject({ id: 'g2', routingKey: TYPE, body: { id: 'g2', type: TYPE } });
    expect((await call('admin', 'GET', `/${names.unroutedQueue}/messages/nope`)).json()).toMatchObject({ code: 'DEAD_LETTERS.MESSAGE_NOT_FOUND' });

    expect((await call('admin', 'GET', `/${names.unroutedQueue}?limit=0`)).json()).toMatchObject({ status: 400, code: 'VALIDATION.FAILED' });
    expect((await call('admin', 'POST', `/${names.unroutedQueue}/replay`, {})).json()).toMatchObject({ status: 400, code: 'DEAD_LETTERS.NOTHING_SELECTED' });
    expect((await call('admin', 'POST', `/${names.unroutedQueue}/replay`, { ids: 'g1' })).json()).toMatchObject({ status: 400, code: 'VALIDATION.FAILED' });
    expect((await call('admin', 'POST', `/${names.unroutedQueue}/replay`, { all: true, queue: 'x' })).json()).toMatchObject({ status: 400, code: 'VALIDATION.FAILED' });
    expect((await call('supervisor', 'POST', `/${names.unroutedQueue}/discard`, { all: true })).statusCode).toBe(403);
  });

  it('replays an unrouted event once a queue is bound for it, and discards the other', async () => {
    await channel.assertQueue(subscriberQueue, { durable: true, arguments: { 'x-expires': 10 * 60_000 } });
    await channel.bindQueue(subscriberQueue, exchange, TYPE);
    const replayed = await call('admin', 'POST', `/${names.unroutedQueue}/replay`, { ids: ['g1'] });
    expect(replayed.statusCode).toBe(200);
    expect(replayed.json()).toMatchObject({ matched: 1, done: 1, failed: [] });
    const arrived = await channel.get(subscriberQueue, { noAck: true });
    expect(arrived && arrived.properties.messageId).toBe('g1');

    const discarded = await call('admin', 'POST', `/${names.unroutedQueue}/discard`, { type: TYPE });
    expect(discarded.json()).toMatchObject({ matched: 1, done: 1 });
    expect((await call('admin', 'GET', `/${names.unroutedQueue}`)).json()).toMatchObject({ matched: 0, items: [] });
  });

  it('starts and serves without a broker, answering 503 DEAD_LETTERS.BROKER_UNAVAILABLE', async () => {
    const offline = await startGateway({ AMQP_URL: 'amqp://guest:guest@127.0.0.1:1', EVENTS_EXCHANGE: exchange });
    try {
      const response = await offline.inject({ method: 'GET', url: '/api/v1/admin/dead-letters', headers: { authorization: 'Bearer admin' } });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({ status: 503, code: 'DEAD_LETTERS.BROKER_UNAVAILABLE' });
      expect((await offline.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    } finally {
      await offline.close();
    }
  });
});
