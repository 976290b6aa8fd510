import { join } from 'node:path';
import type { InjectOptions } from 'fastify';
import { Test } from '@nestjs/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { MikroORM } from '@mikro-orm/core';
import type { EventData, EventDefinition } from '@crm/contracts';
import { type DevIdentityProvider, fetchPasswordGrantToken, startDevIdentityProvider } from '@crm/identity/dev-provider';
import { ConsumerChannels, ConsumerHealth, eventConsumerStrategy, EventInbox, topologyNames } from '@crm/messaging';
import { type DatabaseSettings, initOrm, runMigrations } from '@crm/persistence';
import { configureHttp, createFastifyAdapter, messagingOptionsFor, serveOpenApi } from '@crm/service-kit';
import { deleteTopology, publishCloudEvent, testAmqpUrl, uniqueName, waitUntil } from '@crm/testing';
import { AppModule } from '../../src/app.module';
import { serviceDeskConfig } from '../../src/config/service-desk.config';
import { ormInput, SERVICE_NAME } from '../../src/database/orm-input';

const REALM_FILE = join(__dirname, '..', '..', '..', '..', 'deploy', 'keycloak', 'realm-crm.json');

/** The realm's demo users the tests sign in as (password = user name); manager3 is disabled. */
export const LOGINS = ['admin', 'supervisor', 'manager1', 'manager2', 'executive'] as const;
export type Login = (typeof LOGINS)[number];

export interface SignedIn {
  token: string;
  id: string;
  name: string;
}

export interface DeskApp {
  app: NestFastifyApplication;
  orm: MikroORM;
  /** The OpenAPI document the service serves (what the gateway merges). */
  document: OpenAPIObject;
  users: Record<Login, SignedIn>;
  /** A request to `/api/v1{url}` with the user's real access token (null: none). */
  call(user: Login | null, method: InjectOptions['method'], url: string, payload?: unknown): ReturnType<NestFastifyApplication['inject']>;
  /** Publishes an event as its owner would (the customer service) and waits until the desk's copy applied it. */
  publish<D extends EventDefinition>(definition: D, data: EventData<D>, consumer: 'customer-copy' | 'dictionary-copy'): Promise<string>;
  close(): Promise<void>;
}

/**
 * The whole service desk in this process — its AppModule, HTTP through Fastify's inject, its event
 * consumer on a real RabbitMQ (an exchange and queues of its own) and its migrated database —
 * verifying real access tokens signed by the development identity provider (Keycloak's stand-in),
 * whose password grant signs the tests' users in.
 */
export async function startDeskApp(db: DatabaseSettings): Promise<DeskApp> {
  const idp: DevIdentityProvider = await startDevIdentityProvider({ realmFile: REALM_FILE, port: 0 });
  const config = serviceDeskConfig({
    DB_DRIVER: db.DB_DRIVER,
    ...(db.DB_NAME ? { DB_NAME: db.DB_NAME } : {}),
    ...(db.DB_URL ? { DB_URL: db.DB_URL } : {}),
    ...(db.DB_SCHEMA ? { DB_SCHEMA: db.DB_SCHEMA } : {}),
    AUTH_URL: idp.url,
    REALM_FILE,
    AMQP_URL: testAmqpUrl(),
    EVENTS_EXCHANGE: uniqueName('crm.events.service-desk'),
    AMQP_QUEUE_PREFIX: `${uniqueName('desk')}.`,
    OUTBOX_POLL_MS: '200',
    LOG_LEVEL: 'warn',
    COMPANY_TIME_ZONE: 'Asia/Shanghai',
  });
  await runMigrations(ormInput(config));
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.register(config)] }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createFastifyAdapter(), { logger: ['error', 'warn'] });
  configureHttp(app);
  const document = serveOpenApi(app, 'CRM service desk');
  const messaging = messagingOptionsFor(SERVICE_NAME, config, true);
  app.connectMicroservice(eventConsumerStrategy(messaging, app.get(ConsumerChannels), app.get(ConsumerHealth)), { inheritAppConfig: true });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  await app.startAllMicroservices();

  const users = {} as Record<Login, SignedIn>;
  for (const login of LOGINS) {
    const { access_token: token } = await fetchPasswordGrantToken({ authUrl: idp.url, username: login, password: login });
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { sub: string; name?: string };
    users[login] = { token, id: claims.sub, name: claims.name ?? login };
  }
  const inbox = app.get(EventInbox);
  const names = topologyNames(messaging);
  return {
    app,
    orm: app.get(MikroORM),
    document,
    users,
    call: (user, method, url, payload) =>
      app.inject({ method, url: `/api/v1${url}`, headers: user ? { authorization: `Bearer ${users[user].token}` } : {}, ...(payload === undefined ? {} : { payload: payload as object }) }),
    publish: async (definition, data, consumer) => {
      const id = await publishCloudEvent(config.EVENTS_EXCHANGE, definition.type, definition.data.parse(data) as object, { source: definition.source });
      await waitUntil(() => inbox.hasProcessed(`${SERVICE_NAME}:${consumer}`, id), 15_000, () => `${definition.type} ${id} not applied by ${consumer}`);
      return id;
    },
    close: async () => {
      await app.close();
      await idp.close();
      if (db.DB_DRIVER === 'postgresql') {
        const owner = await initOrm(ormInput(config));
        await owner.em.getConnection().execute(`drop schema if exists "${db.DB_SCHEMA}" cascade`);
        await owner.close(true);
      }
      await deleteTopology({
        queues: [names.consumerQueue, names.deadLetterQueue, names.unroutedQueue, ...names.retryQueues.map((retry) => retry.queue)],
        exchanges: [names.exchange, names.unroutedExchange, names.deadLetterExchange],
      });
    },
  };
}

type Schema = { $ref?: string; nullable?: boolean; type?: string; enum?: unknown[]; properties?: Record<string, Schema>; items?: Schema; anyOf?: Schema[]; allOf?: Schema[] };

/**
 * Where a response holds `null`, does the served document allow it? (A client generated from it
 * would refuse an undeclared null; the e2e suite validates every response against it.) Returns
 * the paths of undeclared nulls, e.g. `rounds[0].feedbackBy`.
 */
export function undeclaredNulls(document: OpenAPIObject, schemaName: string, body: unknown): string[] {
  const schemas = (document.components?.schemas ?? {}) as Record<string, Schema>;
  const resolve = (schema: Schema): Schema => (schema.$ref ? resolve(schemas[schema.$ref.split('/').pop()!]) : schema);
  const allowsNull = (schema: Schema): boolean =>
    schema.nullable === true || (schema.anyOf ?? []).some((option) => allowsNull(resolve(option))) || (schema.enum ?? []).includes(null);
  const walk = (schema: Schema, value: unknown, path: string): string[] => {
    const resolved = resolve(schema.allOf?.length === 1 ? schema.allOf[0] : schema);
    if (value === null) return allowsNull(schema) || allowsNull(resolved) ? [] : [path];
    if (Array.isArray(value)) return value.flatMap((item, index) => walk(resolved.items ?? {}, item, `${path}[${index}]`));
    if (typeof value !== 'object') return [];
    const target = resolved.anyOf ? resolve(resolved.anyOf.find((option) => !allowsNull(option)) ?? {}) : resolved;
    return Object.entries(value as object).flatMap(([key, child]) => walk(target.properties?.[key] ?? {}, child, path ? `${path}.${key}` : key));
  };
  return walk({ $ref: `#/components/schemas/${schemaName}` }, body, '');
}
