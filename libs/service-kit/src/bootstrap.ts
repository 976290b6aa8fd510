import { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { ServiceEnv } from '@crm/config';
import { ConsumerChannels, ConsumerHealth, eventConsumerStrategy } from '@crm/messaging';
import { JsonLogger } from '@crm/observability';
import { configureHttp, createFastifyAdapter } from './http/http-setup';
import { normalizeNullableRefs } from './http/openapi-nullable';
import { messagingOptionsFor } from './service-platform.module';

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
