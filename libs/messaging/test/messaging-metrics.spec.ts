import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { MikroORM } from '@mikro-orm/core';
import * as amqp from 'amqplib';
import { z } from 'zod';
import { defineEvent } from '@crm/contracts';
import { MetricsRegistry, ObservabilityModule } from '@crm/observability';
import { PersistenceModule } from '@crm/persistence';
import { deleteTopology, testAmqpUrl, uniqueName } from '@crm/testing';
import { assertTopology, EventOutbox, MESSAGING_ENTITIES, MessagingMetrics, MessagingModule, MessagingOptions, OutboxMessage, OutboxRelay, topologyNames } from '../src';

/** The value of the first sample with this name whose labels include these, as Prometheus parses it. */
function sample(scrape: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of scrape.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3]);
  }
  return undefined;
}

describe('messaging metrics in the /metrics scrape (real RabbitMQ, SQLite)', () => {
  const service = uniqueName('gadgets');
  const options: MessagingOptions = {
    service,
    amqpUrl: testAmqpUrl(),
    exchange: uniqueName('crm.events.metrics-test'),
    prefetch: 5,
    deliveryLimit: 3,
    outboxPollMs: 200,
    consumes: true,
  };
  const names = topologyNames(options);
  const GadgetMovedV1 = defineEvent('gadgets.gadget.moved.v1', `crm/${service}`, 'test event', z.object({ gadgetId: z.string() }));
  let app: NestFastifyApplication;
  let connection: amqp.ChannelModel;

  beforeAll(async () => {
    @Module({
      imports: [
        ObservabilityModule.forRoot({ serviceName: service, logLevel: 'error' }),
        PersistenceModule.forService({
          service: 'gadgets',
          entities: [...MESSAGING_ENTITIES],
          db: { DB_DRIVER: 'sqlite', DB_NAME: join(mkdtempSync(join(tmpdir(), 'crm-metrics-')), 'gadgets.sqlite') },
        }),
        MessagingModule.forService(options),
      ],
    })
    class GadgetModule {}
    const moduleRef = await Test.createTestingModule({ imports: [GadgetModule] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: ['error'] });
    await app.get(MikroORM).schema.create();
    await app.init();
    await app.get(OutboxRelay).stop(); // events stay in the outbox until the test starts it again

    // The dead-letter and retry queues as a consuming service declares them; the consumer queue
    // itself stays undeclared (no consumer runs here), which the probe must survive.
    connection = await amqp.connect(testAmqpUrl());
    const channel = await connection.createConfirmChannel();
    await assertTopology(channel, options);
    channel.sendToQueue(names.deadLetterQueue, Buffer.from('{"poison":1}'), { persistent: true });
    channel.sendToQueue(names.deadLetterQueue, Buffer.from('{"poison":2}'), { persistent: true });
    await channel.waitForConfirms();
    await channel.close();
  });

  afterAll(async () => {
    await app?.close();
    await connection?.close().catch(() => undefined);
    await deleteTopology({
      queues: [names.consumerQueue, names.deadLetterQueue, names.unroutedQueue, ...names.retryQueues.map(({ queue }) => queue)],
      exchanges: [names.exchange, names.unroutedExchange, names.deadLetterExchange],
    });
  });

  async function scrape(): Promise<string> {
    const response = await app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    return response.body;
  }

  it('shows the outbox backlog and the age of its oldest unsent event while the relay is stopped', async () => {
    const outbox = app.get(EventOutbox);
    for (const gadgetId of ['g-1', 'g-2', 'g-3']) {
      await app.get(MikroORM).em.fork().transactional(async (em) => {
        outbox.record(em, GadgetMovedV1, { gadgetId });
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 50));

    const text = await scrape();
    expect(text).toMatch(new RegExp(`^crm_outbox_backlog\\{service="${service}"\\} 3$`, 'm'));
    expect(sample(text, 'crm_outbox_oldest_unsent_age_seconds')).toBeGreaterThanOrEqual(0.05);
    expect(sample(text, 'crm_outbox_oldest_unsent_age_seconds')).toBeLessThan(60);
  });

  it('shows the depth of the dead-letter, retry and unrouted queues, leaving out one that does not exist', async () => {
    const text = await scrape();
    expect(sample(text, 'crm_queue_messages', { queue: names.deadLetterQueue, service })).toBe(2);
    for (const { queue } of names.retryQueues) expect(sample(text, 'crm_queue_messages', { queue })).toBe(0);
    expect(sample(text, 'crm_queue_messages', { queue: names.unroutedQueue })).toBe(0);
    expect(sample(text, 'crm_queue_messages', { queue: names.consumerQueue })).toBeUndefined();
    expect(sample(text, 'crm_metrics_collect_failures_total', { source: 'broker' })).toBeUndefined();
  });

  it('drops the backlog and the age to 0 once the rows are sent', async () => {
    // What the relay does after the broker's confirm (a stopped relay cannot be started again).
    await app.get(MikroORM).em.fork().nativeUpdate(OutboxMessage, { sentAt: null }, { sentAt: new Date() });
    const text = await scrape();
    expect(sample(text, 'crm_outbox_backlog')).toBe(0);
    expect(sample(text, 'crm_outbox_oldest_unsent_age_seconds')).toBe(0);
  });

  it('counts what the consumer and the relay report, by event type and outcome', async () => {
    const metrics = app.get(MessagingMetrics);
    metrics.consumed(GadgetMovedV1.type, 'applied', 0.012);
    metrics.consumed(GadgetMovedV1.type, 'applied', 0.02);
    metrics.consumed(GadgetMovedV1.type, 'dead_lettered', 0.3);
    metrics.published(GadgetMovedV1.type, 3);
    metrics.publishFailed(GadgetMovedV1.type);
    metrics.setConsumerState(() => ({ up: false }));

    const text = await scrape();
    const type = { event_type: GadgetMovedV1.type };
    expect(sample(text, 'crm_events_consumed_total', { ...type, outcome: 'applied' })).toBe(2);
    expect(sample(text, 'crm_events_consumed_total', { ...type, outcome: 'dead_lettered' })).toBe(1);
    expect(sample(text, 'crm_event_handler_duration_seconds_count', type)).toBe(3);
    expect(sample(text, 'crm_event_handler_duration_seconds_bucket', { ...type, le: '0.025' })).toBe(2);
    expect(sample(text, 'crm_events_published_total', type)).toBe(3);
    expect(sample(text, 'crm_events_publish_failures_total', type)).toBe(1);
    expect(sample(text, 'crm_consumer_up')).toBe(0);
  });

  it('still answers the scrape when the broker cannot be reached, without queue depths', async () => {
    const registry = new MetricsRegistry('unreachable', { defaultMetrics: false });
    const metrics = new MessagingMetrics(app.get(MikroORM), { ...options, amqpUrl: 'amqp://guest:guest@127.0.0.1:1' }, registry);
    try {
      await registry.scrape();
      // Counters are read while the gauges collect, so a failure shows from the next scrape on.
      const text = await registry.scrape();
      expect(sample(text, 'crm_queue_messages')).toBeUndefined();
      expect(sample(text, 'crm_metrics_collect_failures_total', { source: 'broker' })).toBe(1);
      expect(sample(text, 'crm_outbox_backlog')).toBe(0);
      expect(sample(text, 'crm_consumer_up')).toBe(1); // until the consumer reports its state
    } finally {
      await metrics.onApplicationShutdown();
    }
  });
});
