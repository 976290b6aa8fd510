import type { FastifyInstance } from 'fastify';
import type { MetricsRegistry } from './metrics-registry';

export const METRICS_PATH = '/metrics';

const installed = new WeakSet<FastifyInstance>();

/**
 * GET /metrics in the Prometheus text format, without a token: Prometheus scrapes each pod on its
 * own port (annotations `prometheus.io/scrape|port|path`), never through the gateway, which only
 * forwards /api/v1/<known prefix> to the services.
 *
 * A plain Fastify route rather than a Nest controller, so it is public by construction: no Nest
 * guard (the auth lib's global guard reads its own @Public() key, which this library cannot
 * import without a cycle), no rate-limit interceptor, and no `/api/v1` global prefix. The same
 * way the services serve /openapi.json.
 */
export function installMetricsEndpoint(fastify: FastifyInstance, metrics: MetricsRegistry): void {
  if (installed.has(fastify)) return;
  installed.add(fastify);
  fastify.get(METRICS_PATH, async (_request, reply) => {
    const body = await metrics.scrape();
    return reply.header('content-type', metrics.contentType).header('cache-control', 'no-store').send(body);
  });
}
