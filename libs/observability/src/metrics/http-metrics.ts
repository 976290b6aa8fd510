import { Counter, Histogram } from 'prom-client';
import { METRICS_PATH } from './metrics-endpoint';
import type { MetricsRegistry } from './metrics-registry';

export const HTTP_METRIC_NAMES = {
  requests: 'http_server_requests_total',
  duration: 'http_server_request_duration_seconds',
} as const;

/** Label of requests no route matched (404s of unknown paths): raw URLs would be unbounded series. */
export const UNMATCHED_ROUTE = 'unmatched';
/** Status of a request whose client went away before the response was sent. */
export const ABORTED_STATUS = 'aborted';

/** 5 ms … 15 s: the spec allows 15 s per function, and the gateway's upstream timeout is the same. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15];

/**
 * Probes and scrapes are counted (a failing readiness probe shows as 503s) but kept out of the
 * latency histogram: they would add ~12 series per process each and say nothing about the API.
 */
function isInfrastructure(route: string): boolean {
  return route === METRICS_PATH || route.startsWith('/health/');
}

/** Rate, errors and duration of HTTP requests, by route pattern (never the raw URL). */
export class HttpMetrics {
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly duration: Histogram<'method' | 'route' | 'status_class'>;

  constructor(metrics: MetricsRegistry) {
    this.requests = new Counter({
      name: HTTP_METRIC_NAMES.requests,
      help: 'HTTP requests answered, by method, route pattern and status code.',
      labelNames: ['method', 'route', 'status'],
      registers: [metrics.registry],
    });
    this.duration = new Histogram({
      name: HTTP_METRIC_NAMES.duration,
      help: 'Time from request received to response sent, by method, route pattern and status class (2xx…5xx). Excludes /metrics and /health/*.',
      labelNames: ['method', 'route', 'status_class'],
      buckets: DURATION_BUCKETS,
      registers: [metrics.registry],
    });
  }

  /** `route` is Fastify's route pattern (`/api/v1/opportunities/:id`), undefined when none matched. */
  record(method: string, route: string | undefined, statusCode: number | undefined, seconds: number): void {
    const routeLabel = route ?? UNMATCHED_ROUTE;
    const status = statusCode === undefined ? ABORTED_STATUS : String(statusCode);
    this.requests.inc({ method, route: routeLabel, status });
    if (isInfrastructure(routeLabel)) return;
    const statusClass = statusCode === undefined ? ABORTED_STATUS : `${Math.floor(statusCode / 100)}xx`;
    this.duration.observe({ method, route: routeLabel, status_class: statusClass }, seconds);
  }
}
