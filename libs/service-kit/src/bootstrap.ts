import { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { ServiceEnv } from '@crm/config';
import { ConsumerChannels, ConsumerHealth, eventConsumerStrategy } from '@crm/messaging';
import { JsonLogger, ShutdownCoordinator } from '@crm/observability';
import { installInputGuards } from './http/input-guards';
import { normalizeNullableRefs } from './http/openapi-nullable';
import { messagingOptionsFor } from './service-platform.module';

export const API_PREFIX = 'api/v1';
/**
 * Sent on every response once shutdown began: a client that reaches replicas directly (the
 * gateway with several URLs) stops choosing this one, as Kubernetes removes it from a Service's
 * endpoints, before it stops listening.
 */
export const DRAINING_HEADER = 'x-crm-draining';
const BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * The Fastify adapter every process uses: bounded bodies, proxy-aware. Errors Fastify raises
 * before a handler runs (malformed JSON, body too large) reach ProblemDetailsFilter through
 * Nest's own Fastify error handler.
 */
export function createFastifyAdapter(): FastifyAdapter {
  // A request that reached us while we close is served, not answered 503: it was sent on a
  // connection opened before the drain, and the gateway could not retry a POST safely.
  return new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES, trustProxy: true, return503OnClosing: false });
}

/**
 * Common HTTP set-up: JSON logs, `/api/v1` prefix (health and docs stay at the root), hostile
 * input refused at the edge (input-guards.ts), and a graceful stop: once shutdown began, every response carries `Connection: close` and the
 * draining header, so the gateway's pooled connections are gone, and it sends nothing new here,
 * before the listener closes.
 */
export function configureHttp(app: NestFastifyApplication): void {
  app.useLogger(app.get(JsonLogger));
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health/live', 'health/ready'] });
  app.enableShutdownHooks();
  installInputGuards(app.getHttpAdapter().getInstance());
  const shutdown = app.get(ShutdownCoordinator);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', async (_request, reply, payload) => {
      if (shutdown.isShuttingDown) reply.header('connection', 'close').header(DRAINING_HEADER, 'true');
      return payload;
    });
}

/** This service's OpenAPI document, served at /openapi.json for the gateway to aggregate. */
export function serveOpenApi(app: INestApplication, title: string, version = '1'): OpenAPIObject {
  const config = new DocumentBuilder().setTitle(title).setVersion(version).addBearerAuth().build();
  const document = normalizeNullableRefs(SwaggerModule.createDocument(app, config));
  (app as NestFastifyApplication).getHttpAdapter().get('/openapi.json', (_request: unknown, reply: { send(body: unknown): void }) => {
    reply.send(document);
  });
  return document;
}

export interface RunServiceOptions {
  service: string;
  title: string;
  module: Type;
  env: ServiceEnv;
  consumes?: boolean;
  /** Last set-up before listening, e.g. `(app) => installUploadParsers(app.getHttpAdapter().getInstance())`. */
  configure?: (app: NestFastifyApplication) => void;
}

/**
 * Starts a domain service: HTTP for the gateway first, then the event consumer in the background,
 * so a broker that is down at boot delays consuming but never serving.
 */
export async function runService(options: RunServiceOptions): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(options.module, createFastifyAdapter(), { bufferLogs: true });
  configureHttp(app);
  serveOpenApi(app, options.title);
  options.configure?.(app);
  if (options.consumes) {
    const messaging = messagingOptionsFor(options.service, options.env, true);
    app.connectMicroservice(eventConsumerStrategy(messaging, app.get(ConsumerChannels), app.get(ConsumerHealth)), { inheritAppConfig: true });
  }
  await app.listen({ port: options.env.HTTP_PORT, host: options.env.HTTP_HOST });
  const logger = app.get(JsonLogger);
  logger.log(`${options.service} listening on http://${options.env.HTTP_HOST}:${options.env.HTTP_PORT}`, 'Bootstrap');
  if (options.consumes) {
    app.startAllMicroservices().catch((error: Error) => logger.error(`event consumer failed: ${error.message}`, error.stack, 'Bootstrap'));
  }
  return app;
}
