import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Test } from '@nestjs/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { MikroORM } from '@mikro-orm/core';
import * as amqp from 'amqplib';
import type { InjectOptions } from 'fastify';
import type { EventDefinition, Role } from '@crm/contracts';
import { AuthError, type AuthenticatedUser, TokenVerifier } from '@crm/auth';
import { type ConsumeOutcome, ConsumerChannels, ConsumerHealth, eventConsumerStrategy, InboxMessage, MESSAGING_METRIC_NAMES, topologyNames } from '@crm/messaging';
import { MetricsRegistry } from '@crm/observability';
import { type DatabaseSettings, initOrm, runMigrations } from '@crm/persistence';
import { configureHttp, createFastifyAdapter, messagingOptionsFor } from '@crm/service-kit';
import { deleteTopology, testAmqpUrl, uniqueName, waitUntil } from '@crm/testing';
import { AppModule } from '../../src/app.module';
import { reportingConfig } from '../../src/config/reporting.config';
import { ormInput } from '../../src/database/orm-input';

/** Users the test signs in as: the token is the user name. */
export const USERS = {
  admin: { id: 'u-admin', name: 'Alice Admin', roles: ['admin'] },
  supervisor: { id: 'u-supervisor', name: 'Sam Supervisor', roles: ['supervisor'] },
  executive: { id: 'u-executive', name: 'Erin Executive', roles: ['executive'] },
  manager1: { id: 'u-manager1', name: 'Maria Manager', roles: ['manager'] },
} satisfies Record<string, { id: string; name: string; roles: Role[] }>;
export type UserName = keyof typeof USERS;

/** Stands in for Keycloak: a token is a user name of USERS (the real verifier has tests of its own). */
class UserNameTokens extends TokenVerifier {
  async verify(token: string): Promise<AuthenticatedUser> {
    const user = USERS[token as UserName];
    if (!user) throw AuthError.invalid('unknown test user');
    return { ...user, username: token, clientId: 'crm-cli', token, expiresAt: new Date(Date.now() + 3_600_000) };
  }
}

/** An event as another service's relay publishes it: its CloudEvents id may be given (a redelivery keeps it). */
export interface Published {
  definition: EventDefinition;
  data: object;
  id?: string;
}

/** The databases every test runs on: a SQLite file of its own, and a schema of its own on the shared PostgreSQL (both removed by close()). */
export const REPORTING_TEST_DATABASES: [string, () => DatabaseSettings][] = [
  ['SQLite', () => ({ DB_DRIVER: 'sqlite', DB_NAME: join(mkdtempSync(join(tmpdir(), 'crm-reporting-')), 'reporting.sqlite') })],
  ['PostgreSQL', () => ({ DB_DRIVER: 'postgresql', DB_URL: process.env.CRM_TEST_PG_URL, DB_SCHEMA: uniqueName('reporting').replace(/[^a-z0-9]/g, '_') })],
];

export interface ReportingApp {
  app: NestFastifyApplication;
  orm: MikroORM;
  exchange: string;
  /** Publishes the events in this order on one confirm channel; answers their ids. */
  publish(events: Published[]): Promise<string[]>;
  /** Waits until the service has applied (or deliberately ignored as stale or a duplicate) each of these events. */
  handled(eventIds: string[], timeoutMs?: number): Promise<void>;
  /** Publishes and waits until every one is handled. */
  deliver(events: Published[]): Promise<string[]>;
  /** Events taken off the queue so far with this outcome (the consumer's metric): redeliveries of a handled id show only here. */
  consumed(outcome: ConsumeOutcome): Promise<number>;
  /** An HTTP call as a user (null: no token), on /api/v1. */
  call(user: UserName | null, method: InjectOptions['method'], url: string): ReturnType<NestFastifyApplication['inject']>;
  close(): Promise<void>;
}

/**
 * The whole reporting service in this process — its AppModule, HTTP through Fastify's inject,
 * the event consumer on a real RabbitMQ (an exchange and queues of its own), its migrated database
 * — with tokens named after users.
 */
export async function startReportingApp(db: DatabaseSettings, env: Record<string, string> = {}): Promise<ReportingApp> {
  const config = reportingConfig({
    DB_DRIVER: db.DB_DRIVER,
    ...(db.DB_NAME ? { DB_NAME: db.DB_NAME } : {}),
    ...(db.DB_URL ? { DB_URL: db.DB_URL } : {}),
    ...(db.DB_SCHEMA ? { DB_SCHEMA: db.DB_SCHEMA } : {}),
    AMQP_URL: testAmqpUrl(),
    EVENTS_EXCHANGE: uniqueName('crm.events.reporting'),
    AMQP_QUEUE_PREFIX: `${uniqueName('reports')}.`,
    LOG_LEVEL: 'warn',
    COMPANY_TIME_ZONE: 'Asia/Shanghai',
    ...env,
  });
  await runMigrations(ormInput(config));
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.register(config)] })
    .overrideProvider(TokenVerifier)
    .useValue(new UserNameTokens())
    .compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createFastifyAdapter(), { logger: ['error', 'warn'] });
  configureHttp(app);
  const messaging = messagingOptionsFor('reporting', config, true);
  app.connectMicroservice(eventConsumerStrategy(messaging, app.get(ConsumerChannels), app.get(ConsumerHealth)), { inheritAppConfig: true });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  await app.startAllMicroservices();
  const orm: MikroORM = app.get(MikroORM);
  const names = topologyNames(messaging);
  const connection = await amqp.connect(testAmqpUrl());
  const channel = await connection.createConfirmChannel();

  const publish = async (events: Published[]) => {
    const ids = events.map((event) => event.id ?? randomUUID());
    events.forEach(({ definition, data }, index) => {
      const id = ids[index];
      const body = { specversion: '1.0', id, source: definition.source, type: definition.type, time: new Date().toISOString(), datacontenttype: 'application/json', data: definition.data.parse(data) };
      channel.publish(config.EVENTS_EXCHANGE, definition.type, Buffer.from(JSON.stringify(body)), { persistent: true, messageId: id, type: definition.type });
    });
    await channel.waitForConfirms();
    return ids;
  };
  // Marks are keyed (consumer, event id): naming the consumers lets each look-up use the key.
  const consumers = ['order-facts', 'customer-facts', 'ticket-facts', 'churn-facts'].map((name) => `reporting:${name}`);
  const handled = async (eventIds: string[], timeoutMs = 30_000) => {
    let pending = [...new Set(eventIds)];
    const total = pending.length;
    await waitUntil(
      async () => {
        const marked = new Set<string>();
        for (let start = 0; start < pending.length; start += 500) {
          const rows = await orm.em.fork().find(InboxMessage, { consumer: { $in: consumers }, eventId: { $in: pending.slice(start, start + 500) } }, { fields: ['eventId'] });
          for (const row of rows) marked.add(row.eventId);
        }
        pending = pending.filter((id) => !marked.has(id));
        return pending.length === 0;
      },
      timeoutMs,
      () => `${pending.length} of ${total} events not handled`,
    );
  };
  const metrics = app.get(MetricsRegistry).registry;
  return {
    app,
    orm,
    exchange: config.EVENTS_EXCHANGE,
    publish,
    handled,
    consumed: async (outcome) => {
      const metric = await metrics.getSingleMetric(MESSAGING_METRIC_NAMES.consumed)?.get();
      return (metric?.values ?? []).filter((value) => value.labels.outcome === outcome).reduce((sum, value) => sum + value.value, 0);
    },
    deliver: async (events) => {
      const ids = await publish(events);
      await handled(ids);
      return ids;
    },
    call: (user, method, url) => app.inject({ method, url: `/api/v1${url}`, headers: user ? { authorization: `Bearer ${user}` } : {} }),
    close: async () => {
      await connection.close().catch(() => undefined);
      await app.close();
      if (db.DB_DRIVER === 'postgresql') {
        const owner = await initOrm(ormInput(config));
        await owner.em.getConnection().execute(`drop schema if exists "${db.DB_SCHEMA}" cascade`);
        await owner.close(true);
      } else if (db.DB_NAME) {
        rmSync(dirname(db.DB_NAME), { recursive: true, force: true });
      }
      await deleteTopology({
        queues: [names.consumerQueue, names.deadLetterQueue, names.unroutedQueue, ...names.retryQueues.map((retry) => retry.queue)],
        exchanges: [names.exchange, names.unroutedExchange, names.deadLetterExchange],
      });
    },
  };
}
