import { Inject, Injectable } from '@nestjs/common';
import { injectTraceHeaders } from '@crm/observability';
import type { FastifyRequest } from 'fastify';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway.config';
import { GatewayError, GatewayErrorCode } from './gateway.errors';
import { ServiceName } from './route-table';

/** Request headers passed on to a service; everything else (cookies, hop-by-hop) stays here. */
const FORWARDED_REQUEST_HEADERS = ['authorization', 'content-type', 'accept', 'accept-language', 'if-match', 'if-none-match'];
/** Response headers passed back to the client. */
const FORWARDED_RESPONSE_HEADERS = ['content-type', 'location', 'etag', 'retry-after', 'cache-control'];

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * Forwards a request to the service that owns it, over HTTP, with the caller's token (services
 * verify it again), the correlation id and the W3C trace context. A service that is down or slow
 * becomes a 503 / 504 problem, never a hanging request.
 */
@Injectable()
export class UpstreamClient {
  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  async forward(service: ServiceName, request: FastifyRequest, correlationId: string | undefined): Promise<UpstreamResponse> {
    const base = this.config.services[service];
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
    try {
      const response = await fetch(new URL(request.url, base), {
        method: request.method,
        headers,
        body: hasBody ? (typeof request.body === 'string' ? request.body : JSON.stringify(request.body)) : undefined,
        signal: AbortSignal.timeout(this.config.upstreamTimeoutMs),
        redirect: 'manual',
      });
      const responseHeaders: Record<string, string> = {};
      for (const name of FORWARDED_RESPONSE_HEADERS) {
        const value = response.headers.get(name);
        if (value !== null) responseHeaders[name] = value;
      }
      // Inside the try: a service that stalls or resets mid-body is a 504/503 too, not a 500.
      return { status: response.status, headers: responseHeaders, body: Buffer.from(await response.arrayBuffer()) };
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') {
        throw new GatewayError(GatewayErrorCode.UpstreamTimeout, `The ${service} service did not answer in time.`);
      }
      throw new GatewayError(GatewayErrorCode.UpstreamUnavailable, `The ${service} service is unavailable.`);
    }
  }
}
