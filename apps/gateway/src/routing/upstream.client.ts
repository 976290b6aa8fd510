import { pipeline, Readable, Transform } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { injectTraceHeaders } from '@crm/observability';
import { DRAINING_HEADER } from '@crm/service-kit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Agent, fetch } from 'undici';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway.config';
import { GatewayError, GatewayErrorCode } from './gateway.errors';
import { ServiceName } from './route-table';

/** Request headers passed on to a service; everything else (cookies, hop-by-hop) stays here. */
const FORWARDED_REQUEST_HEADERS = ['authorization', 'content-type', 'accept', 'accept-language', 'if-match', 'if-none-match'];
/** Response headers passed back to the client (content-length only with a streamed body: Fastify sets it for buffered ones). */
const FORWARDED_RESPONSE_HEADERS = ['content-type', 'location', 'etag', 'retry-after', 'cache-control', 'content-disposition'];
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
/** Largest upload (a file sent as the request body) the gateway forwards. */
export const UPLOAD_LIMIT_BYTES = 50 * 1024 * 1024;
/**
 * Request bodies that are files, not JSON: forwarded as they arrive, never buffered here.
 * `application/vnd.ms-excel` is what browsers on Windows send for .csv files.
 */
export const STREAMED_REQUEST_TYPES = [
  'text/csv',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.ms-excel',
  'application/octet-stream',
];

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string>;
  /** JSON (and other small bodies) buffered as before; files (xlsx, csv, …) streamed through. */
  body: Buffer | Readable;
}

/**
 * Makes Fastify hand file uploads to the proxy as the unread request stream (`request.body`),
 * instead of refusing their content type; JSON keeps its parser, limit and input guards.
 */
export function installStreamedBodyParsers(fastify: FastifyInstance): void {
  for (const type of STREAMED_REQUEST_TYPES) {
    if (!fastify.hasContentTypeParser(type)) fastify.addContentTypeParser(type, (_request, payload, done) => done(null, payload));
  }
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

/** JSON answers (and empty ones) are buffered as before; anything else is a file to stream. */
function isBuffered(contentType: string | null): boolean {
  return !contentType || /^application\/([\w.-]+\+)?json\b/i.test(contentType);
}

/**
 * Aborts a request after `ms` without progress: before the answer for JSON (the spec's limit),
 * between chunks for streamed uploads and downloads, which may take longer than that in total.
 */
class IdleTimeout {
  private readonly controller = new AbortController();
  private timer?: NodeJS.Timeout;
  readonly signal = this.controller.signal;

  constructor(private readonly ms: number) {
    this.touch();
  }

  touch(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.controller.abort(new DOMException(`no progress for ${this.ms} ms`, 'TimeoutError')), this.ms);
    this.timer.unref();
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}

/**
 * A client's upload on its way to a service: pulled chunk by chunk as undici writes it (so the
 * client is slowed to the service's pace and nothing piles up here), counted against the limit.
 * The client's stream is never destroyed here: a refused upload is read to its end (within
 * bounds) so that the client, still sending, receives the 413.
 */
class UploadStream {
  started = false;
  exceeded = false;
  private bytes = 0;

  constructor(
    private readonly source: Readable,
    private readonly limit: number,
    private readonly onProgress: () => void,
  ) {}

  async *chunks(): AsyncGenerator<Buffer> {
    this.started = true;
    for (;;) {
      const chunk = this.source.read() as Buffer | null;
      if (chunk !== null) {
        this.bytes += chunk.length;
        if (this.bytes > this.limit) {
          this.exceeded = true;
          throw this.tooLarge();
        }
        this.onProgress();
        yield chunk;
        continue;
      }
      if (this.source.readableEnded) return;
      if (this.source.destroyed) throw this.source.errored ?? new Error('the client went away during the upload');
      await this.readable();
    }
  }

  private readable(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.source.off('readable', done).off('end', done).off('error', done).off('close', done);
        resolve();
      };
      this.source.on('readable', done).on('end', done).on('error', done).on('close', done);
    });
  }

  tooLarge(): GatewayError {
    return new GatewayError(GatewayErrorCode.UploadTooLarge, `Uploads are limited to ${this.limit / 1024 / 1024} MB: split the file.`);
  }

  /**
   * Reads and drops the rest of a refused upload, so that a client still sending gets the answer;
   * beyond twice the limit in all, the connection is cut instead.
   */
  async discard(): Promise<void> {
    const source = this.source;
    if (source.readableEnded || source.destroyed) return;
    await new Promise<void>((resolve) => {
      let read = this.bytes;
      const done = () => resolve();
      source.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > 2 * this.limit) {
          source.destroy();
          done();
        }
      });
      source.once('end', done).once('close', done).once('error', done);
      source.resume();
    });
  }
}

/**
 * Forwards a request to the service that owns it, over HTTP, with the caller's token (services
 * verify it again), the correlation id and the W3C trace context. A service that is down or slow
 * becomes a 503 / 504 problem, never a hanging request. A replica that is restarting is passed
 * over: a refused connection is retried once on the next replica (or, behind a Kubernetes
 * Service, on whichever pod it picks), and so is a GET whose connection broke; a POST whose
 * connection broke is not, since the service may have applied it. A replica whose answers say
 * it is shutting down gets no new requests for a while, as Kubernetes takes it off a Service.
 *
 * Files pass through as streams both ways: an upload (csv, xlsx, octet-stream) is forwarded as it
 * arrives, at most UPLOAD_LIMIT_BYTES (413 beyond), and retried on another replica only when the
 * connection was refused before a byte of it was read; a non-JSON answer (an export) is streamed
 * back with its content-disposition and content-length.
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
    const timeout = new IdleTimeout(this.config.upstreamTimeoutMs);
    const upload = request.body instanceof Readable ? new UploadStream(request.body, UPLOAD_LIMIT_BYTES, () => timeout.touch()) : undefined;
    try {
      if (upload && Number(request.headers['content-length']) > UPLOAD_LIMIT_BYTES) throw upload.tooLarge();
      const response = await this.forwardOnce(service, request, correlationId, upload, timeout);
      // The service answered before reading the whole upload (a refusal): read and drop the rest,
      // or the client, still sending, would never get to the answer.
      if (upload) void upload.discard();
      return response;
    } catch (error) {
      timeout.clear();
      if (upload && (upload.exceeded || (error instanceof GatewayError && error.code === GatewayErrorCode.UploadTooLarge))) {
        await upload.discard();
        throw upload.tooLarge();
      }
      throw error;
    }
  }

  private async forwardOnce(
    service: ServiceName,
    request: FastifyRequest,
    correlationId: string | undefined,
    upload: UploadStream | undefined,
    timeout: IdleTimeout,
  ): Promise<UpstreamResponse> {
    const bases = this.config.services[service];
    const first = this.pick(bases);
    try {
      return await this.send(bases[first], request, correlationId, upload, timeout);
    } catch (error) {
      if (upload?.exceeded) throw error;
      // A stream can be sent once: only a connection refused before undici pulled from it goes elsewhere.
      const retry = upload ? connectionRefused(error) && !upload.started : connectionRefused(error) || (IDEMPOTENT.has(request.method) && connectionLost(error));
      if (!retry) throw this.problem(service, error);
      const other = bases[(first + 1) % bases.length];
      this.logger.warn(`${service} at ${bases[first]} unreachable (${(error as { cause?: { code?: string } }).cause?.code}); retrying ${request.method} once on ${other}`);
      try {
        return await this.send(other, request, correlationId, upload, timeout);
      } catch (second) {
        if (upload?.exceeded) throw second;
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

  private async send(
    base: string,
    request: FastifyRequest,
    correlationId: string | undefined,
    upload: UploadStream | undefined,
    timeout: IdleTimeout,
  ): Promise<UpstreamResponse> {
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
    const body = upload ? upload.chunks() : hasBody ? (typeof request.body === 'string' ? request.body : JSON.stringify(request.body)) : undefined;
    const response = await fetch(new URL(request.url, base), {
      method: request.method,
      headers,
      body,
      ...(upload ? { duplex: 'half' as const } : {}),
      signal: timeout.signal,
      redirect: 'manual',
      dispatcher: this.pool,
    });
    if (response.headers.get(DRAINING_HEADER) === 'true') this.draining.set(base, Date.now() + DRAINING_AVOID_MS);
    const responseHeaders: Record<string, string> = {};
    for (const name of FORWARDED_RESPONSE_HEADERS) {
      const value = response.headers.get(name);
      if (value !== null) responseHeaders[name] = value;
    }
    if (!response.body || isBuffered(response.headers.get('content-type'))) {
      // Inside the caller's try: a service that stalls or resets mid-body is a 504/503 too, not a 500.
      const buffered = Buffer.from(await response.arrayBuffer());
      timeout.clear();
      return { status: response.status, headers: responseHeaders, body: buffered };
    }
    // fetch has decoded any content-encoding, so the upstream length holds only for an unencoded body.
    const length = response.headers.get('content-length');
    if (length !== null && !response.headers.get('content-encoding')) responseHeaders['content-length'] = length;
    return { status: response.status, headers: responseHeaders, body: this.streamed(response.body as ReadableStream<Uint8Array>, timeout) };
  }

  /**
   * The service's answer as a Node stream for Fastify: each chunk resets the idle timeout; a
   * service that breaks off mid-file breaks the client's download too (never a clean but short
   * file), and a client that goes away cancels the upstream request.
   */
  private streamed(body: ReadableStream<Uint8Array>, timeout: IdleTimeout): Readable {
    const progress = new Transform({
      transform(chunk, _encoding, callback) {
        timeout.touch();
        callback(null, chunk);
      },
      flush(callback) {
        timeout.clear();
        callback();
      },
    });
    return pipeline(Readable.fromWeb(body), progress, (error) => {
      timeout.clear();
      if (error && error.name !== 'AbortError') this.logger.warn(`streamed answer broken off: ${error.message}`);
    });
  }

  private problem(service: ServiceName, error: unknown): GatewayError {
    if ((error as Error).name === 'TimeoutError') {
      return new GatewayError(GatewayErrorCode.UpstreamTimeout, `The ${service} service did not answer in time.`);
    }
    return new GatewayError(GatewayErrorCode.UpstreamUnavailable, `The ${service} service is unavailable.`);
  }
}
