import { Inject, Injectable, Logger } from '@nestjs/common';
import { injectTraceHeaders } from '@crm/observability';
import { DRAINING_HEADER } from '@crm/service-kit';
import type { FastifyRequest } from 'fastify';
import { Agent, fetch } from 'undici';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway.config';
import { GatewayError, GatewayErrorCode } from './gateway.errors';
import { ServiceName } from './route-table';

/** Request headers passed on to a service; everything else (cookies, hop-by-hop) stays here. */
const FORWARDED_REQUEST_HEADERS = ['authorization', 'content-type', 'accept', 'accept-language', 'if-match', 'if-none-match'];
/** Response headers passed back to the client. */
const FORWARDED_RESPONSE_HEADERS = ['content-type', 'location', 'etag', 'retry-after', 'cache-control'];
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS']);
/**
 * Pooled connections to the services stay idle at most this long, which is less than a service's
 * SHUTDOWN_DRAIN_DELAY_MS: a replica that is shutting down has seen every idle connection closed
 * by the gateway before it stops listening, so no request is ever written into a closing socket
 * (the undici default follows the server's 72 s keep-alive hint).
 */
export const UPSTREAM_IDLE_MS = 2_000;
/** A replica that said it is shutting down is passed over this long (then tried again). */
export const DRAINING_AVOID_MS = 5_000;

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Why a request never reached a service: nothing was sent, so any request may go elsewhere. */
function connectionRefused(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code === 'ECONNREFUSED';
}

/** The connection broke before an answer: the service may or may not have acted on the request. */
function connectionLost(error: unknown): boolean {
  const code = (error as { cause?: { code?: string } }).cause?.code;
  return code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE';
}

/**
 * Forwards a request to the service that owns it, over HTTP, with the caller's token (services
 * verify it again), the correlation id and the W3C trace context. A service that is down or slow
 * becomes a 503 / 504 problem, never a hanging request. A replica that is restarting is passed
 * over: a refused connection is retried once on the next replica (or, behind a Kubernetes
 * Service, on whichever pod it picks), and so is a GET whose connection broke; a POST whose
 * connection broke is not, since the service may have applied it. A replica whose answers say
 * it is shutting down gets no new requests for a while, as Kubernetes takes it off a Service.
 */
@Injectable()
export class UpstreamClient {
  private readonly logger = new Logger(UpstreamClient.name);
  private next = 0;
  /** Replicas that answered with the draining header, until when they are passed over. */
  private readonly draining = new Map<string, number>();
  private readonly pool = new Agent({ keepAliveTimeout: UPSTREAM_IDLE_MS, keepAliveMaxTimeout: UPSTREAM_IDLE_MS });

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  async forward(service: ServiceName, request: FastifyRequest, correlationId: string | undefined): Promise<UpstreamResponse> {
    const bases = this.config.services[service];
    const first = this.pick(bases);
    try {
      return await this.send(bases[first], request, correlationId);
    } catch (error) {
      const retry = connectionRefused(error) || (IDEMPOTENT.has(request.method) && connectionLost(error));
      if (!retry) throw this.problem(service, error);
      const other = bases[(first + 1) % bases.length];
      this.logger.warn(`${service} at ${bases[first]} unreachable (${(error as { cause?: { code?: string } }).cause?.code}); retrying ${request.method} once on ${other}`);
      try {
        return await this.send(other, request, correlationId);
      } catch (second) {
        throw this.problem(service, second);
      }
    }
  }

  /** Round robin over the replicas that are not shutting down (over all of them if every one is). */
  private pick(bases: string[]): number {
    const now = Date.now();
    for (let tries = 0; tries < bases.length; tries++) {
      const index = this.next++ % bases.length;
      if ((this.draining.get(bases[index]) ?? 0) <= now) return index;
    }
    return this.next++ % bases.length;
  }

  private async send(base: string, request: FastifyRequest, correlationId: string | undefined): Promise<UpstreamResponse> {
    const headers: Record<string, string> = {};
    for (const name of FORWARDED_REQUEST_HEADERS) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    if (correlationId) headers['x-correlation-id'] = correlationId;
    headers['x-forwarded-for'] = request.ip;
    headers['x-forwarded-proto'] = request.protocol;
    injectTraceHeaders(headers);
    const hasBody = !['GET', 'HEAD', 'DELETE'].includes(request.method) && request.body !== undefined;
    const response = await fetch(new URL(request.url, base), {
      method: request.method,
      headers,
      body: hasBody ? (typeof request.body === 'string' ? request.body : JSON.stringify(request.body)) : undefined,
      signal: AbortSignal.timeout(this.config.upstreamTimeoutMs),
      redirect: 'manual',
      dispatcher: this.pool,
    });
    if (response.headers.get(DRAINING_HEADER) === 'true') this.draining.set(base, Date.now() + DRAINING_AVOID_MS);
    const responseHeaders: Record<string, string> = {};
    for (const name of FORWARDED_RESPONSE_HEADERS) {
      const value = response.headers.get(name);
      if (value !== null) responseHeaders[name] = value;
    }
    // Inside the caller's try: a service that stalls or resets mid-body is a 504/503 too, not a 500.
    return { status: response.status, headers: responseHeaders, body: Buffer.from(await response.arrayBuffer()) };
  }

  private problem(service: ServiceName, error: unknown): GatewayError {
    if ((error as Error).name === 'TimeoutError') {
      return new GatewayError(GatewayErrorCode.UpstreamTimeout, `The ${service} service did not answer in time.`);
    }
    return new GatewayError(GatewayErrorCode.UpstreamUnavailable, `The ${service} service is unavailable.`);
  }
}
