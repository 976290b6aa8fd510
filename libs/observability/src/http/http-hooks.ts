import { AsyncResource } from 'node:async_hooks';
import { Logger } from '@nestjs/common';
import { context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CORRELATION_ID_HEADER, correlationIdFromHeaders, newCorrelationId, runWithCorrelation } from '../context/request-context';
import { tracer } from '../tracing/init-tracing';
import { extractTraceContext } from '../tracing/propagation';
import type { HttpMetrics } from '../metrics/http-metrics';
import { METRICS_PATH } from '../metrics/metrics-endpoint';

export interface HttpObservabilityOptions {
  /** Paths (without query) that get no span and no request log line; default the probes and /metrics. */
  ignorePaths?: string[];
  /** One `request completed` line per request (method, route, status, duration); default true. */
  logRequests?: boolean;
}

// A scrape every 15 s would otherwise be a span and a log line every 15 s per pod.
export const DEFAULT_IGNORED_PATHS = ['/health/live', '/health/ready', METRICS_PATH];

interface RequestState {
  resource: AsyncResource;
  span?: Span;
  startedAt: number;
  error?: unknown;
  finished: boolean;
}

const states = new WeakMap<FastifyRequest, RequestState>();
const installed = new WeakSet<FastifyInstance>();
const logger = new Logger('HTTP');

/** Lets the Nest interceptor attach a handler's exception to the request's span. */
export function noteRequestError(request: FastifyRequest, error: unknown): void {
  const state = states.get(request);
  if (!state) return;
  state.error = error;
  if (error instanceof Error) state.span?.recordException(error);
}

/**
 * Fastify hooks rather than a Nest interceptor, so that the context covers guards, pipes,
 * filters and 404s too: every request runs inside its correlation id and a SERVER span whose
 * parent is an incoming `traceparent`. With `metrics`, every request (ignored paths too) is also
 * counted and timed from the same start.
 */
export function installHttpObservability(fastify: FastifyInstance, options: HttpObservabilityOptions = {}, metrics?: HttpMetrics): void {
  if (installed.has(fastify)) return;
  installed.add(fastify);
  const ignored = new Set(options.ignorePaths ?? DEFAULT_IGNORED_PATHS);
  const logRequests = options.logRequests ?? true;

  fastify.addHook('onRequest', (request, reply, done) => {
    const correlationId = correlationIdFromHeaders(request.headers) ?? newCorrelationId();
    reply.header(CORRELATION_ID_HEADER, correlationId);
    const path = request.url.split('?', 1)[0];
    let active = context.active();
    let span: Span | undefined;
    if (!ignored.has(path)) {
      const parent = extractTraceContext(request.headers);
      const route = request.routeOptions?.url;
      span = tracer().startSpan(
        route ? `${request.method} ${route}` : request.method,
        {
          kind: SpanKind.SERVER,
          attributes: {
            'http.request.method': request.method,
            'url.path': path,
            'url.scheme': request.protocol,
            ...(route ? { 'http.route': route } : {}),
            ...(request.headers['user-agent'] ? { 'user_agent.original': request.headers['user-agent'] } : {}),
            'client.address': request.ip,
          },
        },
        parent,
      );
      active = trace.setSpan(parent, span);
    }
    context.with(active, () =>
      runWithCorrelation(correlationId, () => {
        // Body parsing resumes from socket events, outside this async context; the resource
        // carries it over to the later hooks and the handler (see preValidation).
        states.set(request, { resource: new AsyncResource('crm.http-request'), span, startedAt: performance.now(), finished: false });
        done();
      }),
    );
  });

  fastify.addHook('preValidation', (request, _reply, done) => {
    const state = states.get(request);
    if (state) state.resource.runInAsyncScope(done);
    else done();
  });

  const finish = (request: FastifyRequest, statusCode: number | undefined) => {
    const state = states.get(request);
    if (!state || state.finished) return;
    state.finished = true;
    state.resource.runInAsyncScope(() => {
      const { span } = state;
      if (span) {
        if (statusCode !== undefined) span.setAttribute('http.response.status_code', statusCode);
        // Server spans: 4xx is the client's fault and stays unset (OpenTelemetry HTTP semconv).
        if (statusCode === undefined || statusCode >= 500) {
          const message = state.error instanceof Error ? state.error.message : statusCode === undefined ? 'request aborted' : undefined;
          span.setStatus({ code: SpanStatusCode.ERROR, ...(message ? { message } : {}) });
        }
      }
      if (logRequests && span) {
        logger.log('request completed', {
          method: request.method,
          route: request.routeOptions?.url,
          path: request.url.split('?', 1)[0],
          statusCode: statusCode ?? null,
          durationMs: Math.round((performance.now() - state.startedAt) * 10) / 10,
        });
      }
      span?.end();
    });
    metrics?.record(request.method, request.routeOptions?.url, statusCode, (performance.now() - state.startedAt) / 1000);
  };

  fastify.addHook('onResponse', (request, reply, done) => {
    finish(request, reply.statusCode);
    done();
  });
  fastify.addHook('onRequestAbort', (request, done) => {
    finish(request, undefined);
    done();
  });
}
