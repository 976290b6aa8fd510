import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Role } from '@crm/contracts';
import { AuthError } from './auth.errors';
import type { AuthenticatedRequest, AuthenticatedUser } from './authenticated-user';

export const IS_PUBLIC_KEY = 'crm:auth:public';
export const ROLES_KEY = 'crm:auth:roles';

/** The route needs no token (health, docs). On a class: every route of the controller. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC_KEY, true);

/**
 * The caller needs at least one of these realm roles, else 403 AUTH.FORBIDDEN. On a handler it
 * replaces the roles of its class.
 */
export const Roles = (...roles: [Role, ...Role[]]): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, roles);

/** The verified caller. On a @Public() route (no user) it answers 401 AUTH.TOKEN_MISSING. */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): AuthenticatedUser => {
  const user = context.switchToHttp().getRequest<AuthenticatedRequest>().user;
  if (!user) throw AuthError.missing();
  return user;
});
