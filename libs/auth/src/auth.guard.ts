import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Role } from '@crm/contracts';
import { setContextUserId } from '@crm/observability';
import { AuthError } from './auth.errors';
import type { AuthenticatedRequest } from './authenticated-user';
import { bearerTokenOf } from './bearer-token';
import { IS_PUBLIC_KEY, ROLES_KEY } from './decorators';
import { TokenVerifier } from './token-verifier';

/**
 * Registered globally by AuthModule: every HTTP route needs a valid Bearer token unless it is
 * @Public(); @Roles() narrows it further. Message and RPC handlers are not HTTP requests and are
 * left alone (events carry no user token).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const user = await this.verifier.verify(bearerTokenOf(request.headers.authorization));
    request.user = user;
    setContextUserId(user.id); // log lines of this request carry who made it

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles?.length && !roles.some((role) => user.roles.includes(role))) {
      throw AuthError.forbidden(`Requires one of the roles: ${roles.join(', ')}.`);
    }
    return true;
  }
}
