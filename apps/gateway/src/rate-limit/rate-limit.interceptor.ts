import rateLimit from '@fastify/rate-limit';
import { CallHandler, ExecutionContext, Inject, Injectable, Logger, NestInterceptor, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Redis } from 'ioredis';
import type { Observable } from 'rxjs';
import type { AuthenticatedUser } from '@crm/auth';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway.config';
import { GatewayError } from '../routing/gateway.errors';

type Limiter = (request: FastifyRequest) => Promise<{ isExceeded?: boolean; ttlInSeconds?: number }>;
type UserRequest = FastifyRequest & { user?: AuthenticatedUser };

/** A failing store is reported at most this often (every request would otherwise log it). */
const STORE_ERROR_LOG_EVERY_MS = 60_000;
/** How long a starting gateway waits for Redis before it serves requests unlimited (and logs it). */
const REDIS_READY_WAIT_MS = 2_000;

/**
 * Each signed-in user may send RATE_LIMIT_MAX requests per RATE_LIMIT_WINDOW_SECONDS
 * (@fastify/rate-limit). Runs as an interceptor, after the token was verified, so the limit is
 * per user, not per address (a whole office behind one NAT is many users). With REDIS_URL the
 * counters live in Redis and the limit holds across gateway replicas; without it (the embedded
 * default) each replica counts in its own memory (bounded LRU). Public routes (health probes)
 * have no user and are never limited: a probe must not be throttled into "not ready". When Redis
 * does not answer, requests pass (a limiter must not take the API down) and that is logged.
 */
@Injectable()
export class RateLimitInterceptor implements NestInterceptor, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('RateLimit');
  private fastify!: FastifyInstance;
  private limiter?: Limiter;
  private redis?: Redis;
  private lastStoreError = 0;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  async onModuleInit(): Promise<void> {
    const fastify = (this.fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>());
    const { max, windowSeconds, redisUrl } = this.config.rateLimit;
    if (redisUrl) {
      // Fail fast while Redis is away (no offline queue, one try): the request passes instead of waiting.
      this.redis = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000, lazyConnect: false });
      this.redis.on('error', (error: Error) => this.storeFailed(error));
      await this.connected(this.redis);
    }
    // Loaded with the server, after Nest's error handler (see installForwarding).
    void fastify.register(rateLimit, {
      global: false,
      max,
      timeWindow: windowSeconds * 1000,
      keyGenerator: (request) => (request as UserRequest).user!.id,
      ...(this.redis ? { redis: this.redis, nameSpace: 'crm:gateway:rate-limit:' } : { cache: 10_000 }),
    });
  }

  /** Waits a moment for Redis at start, so the first requests are counted too; never fails the start. */
  private async connected(redis: Redis): Promise<void> {
    if (redis.status === 'ready') return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, REDIS_READY_WAIT_MS);
      function done() {
        clearTimeout(timer);
        redis.off('ready', done).off('error', done);
        resolve();
      }
      redis.once('ready', done).once('error', done);
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.redis?.disconnect();
  }

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const request = context.switchToHttp().getRequest<UserRequest>();
    if (!request.user) return next.handle();
    let verdict: Awaited<ReturnType<Limiter>> = {};
    try {
      // Made on first use: the plugin's decorator exists once Fastify has loaded it (at listen).
      this.limiter ??= this.fastify.createRateLimit() as Limiter;
      verdict = await this.limiter(request);
    } catch (error) {
      this.storeFailed(error as Error);
    }
    if (verdict.isExceeded) throw GatewayError.rateLimited(Math.max(1, verdict.ttlInSeconds ?? 1));
    return next.handle();
  }

  private storeFailed(error: Error): void {
    if (Date.now() - this.lastStoreError < STORE_ERROR_LOG_EVERY_MS) return;
    this.lastStoreError = Date.now();
    this.logger.warn(`rate-limit store unavailable, requests pass unlimited: ${error.message}`);
  }
}
