import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import type { AuthenticatedUser } from '@crm/auth';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway.config';
import { GatewayError, GatewayErrorCode } from '../routing/gateway.errors';
import { TokenBuckets } from './token-bucket';

/** Runs after authentication, so the limit is per signed-in user (per client IP otherwise). */
@Injectable()
export class RateLimitInterceptor implements NestInterceptor {
  private readonly buckets: TokenBuckets;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.buckets = new TokenBuckets(config.rateLimit.burst, config.rateLimit.perSecond);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<{ user?: AuthenticatedUser; ip: string }>();
    const key = request.user ? `user:${request.user.id}` : `ip:${request.ip}`;
    const wait = this.buckets.take(key);
    if (wait > 0) throw new GatewayError(GatewayErrorCode.RateLimited, `Too many requests; retry in ${wait} s.`, wait);
    return next.handle();
  }
}
