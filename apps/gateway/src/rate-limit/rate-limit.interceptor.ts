import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import type { AuthenticatedUser } from '@crm/auth';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway.config';
import { GatewayError } from '../routing/gateway.errors';
import { TokenBuckets } from './token-bucket';

/**
 * Runs after authentication, so the limit is per signed-in user. Public routes (health probes)
 * have no user and are not limited: a probe must never be throttled into "not ready".
 */
@Injectable()
export class RateLimitInterceptor implements NestInterceptor {
  private readonly buckets: TokenBuckets;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.buckets = new TokenBuckets(config.rateLimit.burst, config.rateLimit.perSecond);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<{ user?: AuthenticatedUser }>();
    if (!request.user) return next.handle();
    const wait = this.buckets.take(request.user.id);
    if (wait > 0) throw GatewayError.rateLimited(wait);
    return next.handle();
  }
}
