import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { JsonLogger, ShutdownCoordinator } from '@crm/observability';
import { installInputGuards } from './input-guards';

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
