import { Readable } from 'node:stream';
import replyFrom, { FastifyReplyFromOptions } from '@fastify/reply-from';
import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { injectTraceHeaders } from '@crm/observability';
import { DRAINING_HEADER } from '@crm/service-kit/http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Agent, Dispatcher } from 'undici';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway.config';
import { GatewayError, GatewayErrorCode } from './gateway.errors';
import { ServiceName } from './route-table';

/** Request headers passed on to a service; everything else (cookies, hop-by-hop) stays here. */
const FORWARDED_REQUEST_HEADERS = ['authorization', 'content-type', 'accept', 'accept-language', 'if-match', 'if-none-match'];
/** Response headers passed back to the client; content-length too, but not with a content-encoding. */
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

/**
 * Installs forwarding (`reply.from`, @fastify/reply-from over the gateway's undici pool) and
 * makes Fastify hand file uploads to the proxy as the unread request stream (`request.body`)
 * instead of refusing their content type; JSON keeps its parser, limit and input guards.
 */
export function installForwarding(fastify: FastifyInstance, pool: UpstreamPool): void {
  for (const type of STREAMED_REQUEST_TYPES) {
    if (!fastify.hasContentTypeParser(type)) fastify.addContentTypeParser(type, (_request, payload, done) => done(null, payload));
  }
  // Retries are ours (another replica, not the same one again): reply-from retries nothing itself.
  // (Its types name its own undici 7; the pool answers the same `request(options, callback)` call.)
  const undici = pool as unknown as FastifyReplyFromOptions['undici'];
  // Loaded with the server (not awaited here: that would load it ahead of Nest's error handler,
  // and errors raised before a handler, like malformed JSON, would bypass problem+json).
  void fastify.register(replyFrom, { undici, disableRequestLogging: true, retryMethods: [] });
}

/** The root cause's code of an error that reply-from and undici may have wrapped (ECONNREFUSED, …). */
function rootCode(error: unknown): string | undefined {
  let code: string | undefined;
  for (let at = error as { code?: string; cause?: unknown } | undefined, depth = 0; at && depth < 5; at = at.cause as typeof at, depth++) {
    if (typeof at.code === 'string') code = at.code;
  }
  return code;
}

/** Nothing was sent: the request may go to another replica, whatever its method. */
const refused = (error: unknown) => rootCode(error) === 'ECONNREFUSED';
/** The connection broke before an answer: the service may or may not have acted on the request. */
const lost = (error: unknown) => ['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE'].includes(rootCode(error) ?? '');
const timedOut = (error: unknown) => ['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'FST_REPLY_FROM_GATEWAY_TIMEOUT'].includes(rootCode(error) ?? '');

/**
 * Aborts an upload after `ms` without progress: between its chunks (a big file may take longer
 * than that in all) and, once it is sent, until the service's answer arrives.
 */
class IdleTimeout {
  private readonly controller = new AbortController();
  private timer?: NodeJS.Timeout;
  readonly signal = this.controller.signal;
  fired = false;

  constructor(private readonly ms: number) {
    this.touch();
  }

  touch(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.fired = true;
      this.controller.abort(new DOMException(`no progress for ${this.ms} ms`, 'TimeoutError'));
    }, this.ms);
    this.timer.unref();
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}

/**
 * A client's upload on its way to a service: pulled chunk by chunk as undici writes it (so the
 * client is slowed to the service's pace and nothing piles up here, and a connection refused
 * before the first write leaves it unread for another replica), counted against the limit.
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
    readonly timeout: IdleTimeout,
  ) {}

  /** A fresh body for one attempt (undici destroys the body of a request that failed). */
  body(): Readable {
    const body = Readable.from(this.chunks(), { objectMode: false });
    (body as UploadBody)[UPLOAD] = this;
    return body;
  }

  private async *chunks(): AsyncGenerator<Buffer> {
    this.started = true;
    for (;;) {
      const chunk = this.source.read() as Buffer | null;
      if (chunk !== null) {
        this.bytes += chunk.length;
        if (this.bytes > this.limit) {
          this.exceeded = true;
          throw this.tooLarge();
        }
        this.timeout.touch();
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

const UPLOAD = Symbol('upload');
type UploadBody = Readable & { [UPLOAD]?: UploadStream };

/**
 * The gateway's connections to the services (an undici Agent, pooled per origin), as reply-from
 * calls it. Every request is limited by the pool's timeouts (UPSTREAM_TIMEOUT_MS until the
 * answer's headers, and between its body's chunks), except uploads, which the upload's own idle
 * timeout limits instead: undici's would count a slow client's whole upload against it.
 */
@Injectable()
export class UpstreamPool implements OnModuleDestroy {
  private readonly agent: Agent;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.agent = new Agent({
      keepAliveTimeout: UPSTREAM_IDLE_MS,
      keepAliveMaxTimeout: UPSTREAM_IDLE_MS,
      headersTimeout: config.upstreamTimeoutMs,
      bodyTimeout: config.upstreamTimeoutMs,
    });
  }

  request(options: Dispatcher.RequestOptions, callback: (error: Error | null, data: Dispatcher.ResponseData) => void): void {
    const upload = (options.body as UploadBody | undefined)?.[UPLOAD];
    this.agent.request(upload ? { ...options, headersTimeout: 0, signal: upload.timeout.signal } : options, callback);
  }

  async onModuleDestroy(): Promise<void> {
    await this.agent.destroy();
  }
}

/**
 * Forwards a request to the service that owns it, over HTTP (@fastify/reply-from on the pooled
 * undici agent), with the caller's token (services verify it again), the correlation id and the
 * W3C trace context. A service that is down or slow becomes a 503 / 504 problem, never a hanging
 * request. A replica that is restarting is passed over: a refused connection is retried once on
 * the next replica (or, behind a Kubernetes Service, on whichever pod it picks), and so is a GET
 * whose connection broke; a POST whose connection broke is not, since the service may have
 * applied it. A replica whose answers say it is shutting down gets no new requests for a while,
 * as Kubernetes takes it off a Service.
 *
 * Files pass through as streams both ways: an upload (csv, xlsx, octet-stream) is forwarded as it
 * arrives, at most UPLOAD_LIMIT_BYTES (413 beyond), and retried on another replica only when the
 * connection was refused before a byte of it was read; every answer is streamed back as it comes,
 * with its content-length and content-disposition.
 */
@Injectable()
export class UpstreamClient {
  private readonly logger = new Logger(UpstreamClient.name);
  private next = 0;
  /** Replicas that answered with the draining header, until when they are passed over. */
  private readonly draining = new Map<string, number>();

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  /** Resolves once the service's answer is on its way to the client; rejects with a GatewayError. */
  async forward(service: ServiceName, request: FastifyRequest, reply: FastifyReply, correlationId: string | undefined): Promise<void> {
    const upload = request.body instanceof Readable ? new UploadStream(request.body, UPLOAD_LIMIT_BYTES, new IdleTimeout(this.config.upstreamTimeoutMs)) : undefined;
    try {
      if (upload && Number(request.headers['content-length']) > UPLOAD_LIMIT_BYTES) throw upload.tooLarge();
      await this.forwardOnce(service, request, reply, correlationId, upload);
      // The service answered before reading the whole upload (a refusal): read and drop the rest,
      // or the client, still sending, would never get to the answer.
      if (upload) void upload.discard();
    } catch (error) {
      upload?.timeout.clear();
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
    reply: FastifyReply,
    correlationId: string | undefined,
    upload: UploadStream | undefined,
  ): Promise<void> {
    const bases = this.config.services[service];
    const first = this.pick(bases);
    try {
      return await this.send(bases[first], request, reply, correlationId, upload);
    } catch (error) {
      if (upload?.exceeded) throw error;
      // A stream can be sent once: only a connection refused before undici pulled from it goes elsewhere.
      const retry = upload ? refused(error) && !upload.started : refused(error) || (IDEMPOTENT.has(request.method) && lost(error));
      if (!retry) throw this.problem(service, error, upload);
      const other = bases[(first + 1) % bases.length];
      this.logger.warn(`${service} at ${bases[first]} unreachable (${rootCode(error)}); retrying ${request.method} once on ${other}`);
      try {
        return await this.send(other, request, reply, correlationId, upload);
      } catch (second) {
        if (upload?.exceeded) throw second;
        throw this.problem(service, second, upload);
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

  private send(base: string, request: FastifyRequest, reply: FastifyReply, correlationId: string | undefined, upload: UploadStream | undefined): Promise<void> {
    if (upload) request.body = upload.body();
    return new Promise<void>((resolve, reject) => {
      // The path only: reply-from adds the query string from the request's URL.
      reply.from(base + request.url.split('?', 1)[0], {
        rewriteRequestHeaders: (_request, headers) => this.requestHeaders(request, headers, correlationId),
        rewriteHeaders: (headers) => this.responseHeaders(base, headers),
        onResponse: (_request, _reply, response) => {
          upload?.timeout.clear();
          reply.send(response.stream);
          resolve();
        },
        onError: (_reply, { error }) => reject(error),
      });
    });
  }

  private requestHeaders(request: FastifyRequest, given: Record<string, unknown>, correlationId: string | undefined): Record<string, string> {
    const headers: Record<string, string> = { host: String(given.host) };
    for (const name of FORWARDED_REQUEST_HEADERS) {
      const value = given[name];
      if (typeof value === 'string') headers[name] = value;
    }
    // The length of a JSON body as reply-from re-encoded it; an upload goes chunked.
    if (!(request.body instanceof Readable) && given['content-length'] !== undefined) headers['content-length'] = String(given['content-length']);
    if (correlationId) headers['x-correlation-id'] = correlationId;
    headers['x-forwarded-for'] = request.ip;
    headers['x-forwarded-proto'] = request.protocol;
    injectTraceHeaders(headers);
    return headers;
  }

  private responseHeaders(base: string, given: Record<string, unknown>): Record<string, string> {
    if (given[DRAINING_HEADER] === 'true') this.draining.set(base, Date.now() + DRAINING_AVOID_MS);
    const headers: Record<string, string> = {};
    for (const name of FORWARDED_RESPONSE_HEADERS) {
      const value = given[name];
      if (typeof value === 'string') headers[name] = value;
    }
    if (typeof given['content-length'] === 'string' && given['content-encoding'] === undefined) headers['content-length'] = given['content-length'];
    return headers;
  }

  private problem(service: ServiceName, error: unknown, upload: UploadStream | undefined): GatewayError {
    if (timedOut(error) || upload?.timeout.fired) {
      return new GatewayError(GatewayErrorCode.UpstreamTimeout, `The ${service} service did not answer in time.`);
    }
    if (!refused(error) && !lost(error)) this.logger.warn(`${service}: forwarding failed: ${(error as Error)?.message} (${rootCode(error)})`);
    return new GatewayError(GatewayErrorCode.UpstreamUnavailable, `The ${service} service is unavailable.`);
  }
}
