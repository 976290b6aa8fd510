import type { Role, UserRef } from '@crm/contracts';

/** The caller of a request, taken from a verified access token. */
export interface AuthenticatedUser {
  /** `sub` */
  id: string;
  /** `preferred_username` */
  username: string;
  /** `name`, falling back to the username when the token has none. */
  name: string;
  email?: string;
  /** Realm roles from `realm_access.roles` that the CRM knows; other realm roles are dropped. */
  roles: Role[];
  /** `azp`: the client the user signed in with. */
  clientId: string;
  /** The raw access token, to forward to downstream services (which verify it again). */
  token: string;
  expiresAt: Date;
}

/** The part of a Fastify (or Express) request the guard reads and writes. */
export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  user?: AuthenticatedUser;
}

/** The caller as a user reference in records, responses and events: `{id, name}`. */
export function userRefOf(user: Pick<AuthenticatedUser, 'id' | 'name'>): UserRef {
  return { id: user.id, name: user.name };
}
