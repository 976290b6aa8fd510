import { Controller, Get, Module, NotFoundException, Param } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { MikroORM } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import * as amqp from 'amqplib';
import { z } from 'zod';
import { defineEvent, EventOf } from '@crm/contracts';
import { PersistenceModule } from '@crm/persistence';
import { deleteTopology, testAmqpUrl, uniqueName, waitUntil } from '@crm/testing';
import {
  ConsumeEvent,
  ConsumerChannels,
  ConsumerHealth,
  eventConsumerStrategy,
  MESSAGING_ENTITIES,
  MessagingModule,
  MessagingOptions,
  topologyNames,
} from '../src';

/**
 * HTTP latency while a service consumes a burst of events, with the consumer sized against the
 * database pool as the platform does it (handlers ≤ half of DB_POOL_MAX) and, for comparison, as it
 * was before (every prefetched message ran a handler at once). PostgreSQL, pool of 10, each handler
 * holding its connection for 20 ms of database work. Figures only.
 */
const POOL = 10;
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1000);
const HTTP_CONCURRENCY = 10;
const ItemTouchedV1 = defineEvent('bench.item.touched.v1', 'crm/bench', 'benchmark event', z.object({ itemId: z.string() }));

@Entity()
class Item {
  @PrimaryKey({ type: 'string' }) id!: string;
  @Property({ type: 'integer' }) touches = 0;
}

@Controller('items')
class ItemsController {
  constructor(private readonly em: EntityManager) {}
  @Get(':id')
  async get(@Param('id') id: string): Promise<Item> {
    const item = await this.em.findOne(Item, id);
    if (!item) throw new NotFoundException();
    return item;
  }
}

@Controller()
class ItemConsumer {
  constructor(private readonly em: EntityManager) {}
  @ConsumeEvent(ItemTouchedV1)
  async onTouched(event: EventOf<typeof ItemTouchedV1>): Promise<void> {
    const item = await this.em.findOneOrFail(Item, event.data.itemId);
    await this.em.execute('select pg_sleep(0.02)'); // work that holds the connection
    item.touches++;
    await this.em.flush();
  }
}

function percentiles(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
  return `p50 ${at(50).toFixed(1)} ms  p95 ${at(95).toFixed(1)} ms  p99 ${at(99).toFixed(1)} ms  max ${(sorted.at(-1) ?? NaN).toFixed(1)} ms`;
}

/** Requests GET /items/<id> with HTTP_CONCURRENCY clients until `until` resolves. */
async function httpLoad(url: string, until: Promise<unknown>): Promise<{ latencies: number[]; failures: number }> {
  let done = false;
  void until.then(() => (done = true));
  const latencies: number[] = [];
  let failures = 0;
  await Promise.all(
    Array.from({ length: HTTP_CONCURRENCY }, async (_, n) => {
      while (!done) {
        const started = performance.now();
        const response = await fetch(`${url}/items/item-${n % 20}`).catch(() => null);
        latencies.push(performance.now() - started);
        if (!response?.ok) failures++;
        else await response.arrayBuffer();
      }
    }),
  );
  return { latencies, failures };
}

async function scenario(label: string, concurrency: number): Promise<void> {
  const options: MessagingOptions = {
    service: uniqueName('bench'),
    amqpUrl: testAmqpUrl(),
    exchange: uniqueName('crm.events.bench'),
    prefetch: 20,
    deliveryLimit: 5,
    outboxPollMs: 500,
    consumes: true,
    consumer: { concurrency },
  };
  const schema = uniqueName('bench').replace(/[^a-z0-9]/g, '_');
  @Module({
    imports: [
      PersistenceModule.forService({
        service: 'bench',
        entities: [...MESSAGING_ENTITIES, Item],
        db: { DB_DRIVER: 'postgresql', DB_URL: process.env.CRM_TEST_PG_URL, DB_SCHEMA: schema, DB_POOL_MAX: POOL },
      }),
      MessagingModule.forService(options),
    ],
    controllers: [ItemsController, ItemConsumer],
  })
  class BenchModule {}
  const moduleRef = await Test.createTestingModule({ imports: [BenchModule] }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: ['error'] });
  const orm = app.get(MikroORM) as unknown as MikroORM & { em: EntityManager };
  await orm.schema.create();
  await orm.em.fork().insertMany(Item, Array.from({ length: 20 }, (_, i) => ({ id: `item-${i}`, touches: 0 })));
  app.connectMicroservice(eventConsumerStrategy(options, app.get(ConsumerChannels), app.get(ConsumerHealth)), { inheritAppConfig: true });
  await app.listen({ port: 0, host: '127.0.0.1' });
  await app.startAllMicroservices();
  const url = await app.getUrl();
  try {
    const baseline = await httpLoad(url, new Promise((resolve) => setTimeout(resolve, 3000)));
    const connection = await amqp.connect(testAmqpUrl());
    const channel = await connection.createConfirmChannel();
    const started = performance.now();
    for (let i = 0; i < EVENTS; i++) {
      const event = { specversion: '1.0', id: `${schema}-${i}`, source: 'crm/bench', type: ItemTouchedV1.type, time: new Date().toISOString(), datacontenttype: 'application/json', data: { itemId: `item-${i % 20}` } };
      channel.publish(options.exchange, event.type, Buffer.from(JSON.stringify(event)), { persistent: true, messageId: event.id, type: event.type });
    }
    await channel.waitForConfirms();
    await connection.close();
    const consumed = waitUntil(
      async () => Number((await orm.em.fork().execute(`select coalesce(sum(touches), 0) as n from "${schema}"."item"`))[0].n) >= EVENTS,
      300_000,
    );
    const during = await httpLoad(url, consumed);
    const seconds = (performance.now() - started) / 1000;
    console.log(
      [
        `${label} (DB pool ${POOL}, prefetch 20, ${concurrency} handlers at once, ${EVENTS} events of 20 ms database work):`,
        `  HTTP GET, ${HTTP_CONCURRENCY} clients, no events:  ${percentiles(baseline.latencies)}  failures ${baseline.failures}`,
        `  HTTP GET, ${HTTP_CONCURRENCY} clients, during burst: ${percentiles(during.latencies)}  failures ${during.failures}`,
        `  events consumed: ${(EVENTS / seconds).toFixed(0)}/s (${seconds.toFixed(1)} s)`,
      ].join('\n'),
    );
    expect(baseline.failures + during.failures).toBe(0);
  } finally {
    await app.close();
    await orm.em.getConnection().execute(`drop schema if exists "${schema}" cascade`).catch(() => undefined);
    const names = topologyNames(options);
    await deleteTopology({
      queues: [names.consumerQueue, names.deadLetterQueue, names.unroutedQueue, ...names.retryQueues.map((r) => r.queue)],
      exchanges: [names.exchange, names.unroutedExchange, names.deadLetterExchange],
    });
  }
}

describe('HTTP latency during an event burst', () => {
  it(`handlers limited to half the pool (the platform's default)`, () => scenario('bounded', POOL / 2));
  it('every prefetched message handled at once (as before the limit)', () => scenario('unbounded', 20));
});
