import { isRole } from '@crm/contracts';
import { AuthError } from './auth.errors';
import type { AuthenticatedUser } from './authenticated-user';

export interface JwtHeader {
  alg?: unknown;
  kid?: unknown;
  [name: string]: unknown;
}

/** Claims of a Keycloak access token that the CRM reads. */
export interface AccessTokenClaims {
  sub?: unknown;
  preferred_username?: unknown;
  name?: unknown;
  email?: unknown;
  azp?: unknown;
  aud?: unknown;
  exp?: unknown;
  nbf?: unknown;
  typ?: unknown;
  realm_access?: { roles?: unknown };
  [name: string]: unknown;
}

const SEGMENT = /^[A-Za-z0-9_-]+$/;

/**
 * Splits a compact JWS and decodes header and payload WITHOUT verifying anything, so that a
 * verifier can pick the key and reject junk early. Any shape problem is TOKEN_INVALID.
 */
export function decodeUnverified(token: string): { header: JwtHeader; claims: AccessTokenClaims } {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => SEGMENT.test(part))) throw AuthError.invalid('malformed');
  const header = parseSegment(parts[0]);
  const claims = parseSegment(parts[1]);
  if (!header || !claims) throw AuthError.invalid('malformed');
  return { header, claims };
}

function parseSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export interface ClaimPolicy {
  audience?: string;
  allowedClients?: readonly string[];
  /** Allowed clock difference with the identity provider for `nbf`. */
  clockToleranceSeconds: number;
  now: Date;
}

/**
 * The checks every verifier applies on top of signature, `exp`, `iss` and `typ`, then the
 * mapping to AuthenticatedUser. Call only with claims whose signature has been verified.
 */
export function toAuthenticatedUser(token: string, claims: AccessTokenClaims, policy: ClaimPolicy): AuthenticatedUser {
  const nowSeconds = policy.now.getTime() / 1000;
  if (typeof claims.exp !== 'number') throw AuthError.invalid('no expiry');
  if (claims.exp <= nowSeconds) throw AuthError.expired();
  if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf > nowSeconds + policy.clockToleranceSeconds)) {
    throw AuthError.invalid('not valid yet');
  }
  if (policy.audience !== undefined && !audiences(claims.aud).includes(policy.audience)) {
    throw AuthError.invalid('audience not accepted');
  }
  const clientId = nonEmptyString(claims.azp);
  if (policy.allowedClients && (!clientId || !policy.allowedClients.includes(clientId))) {
    throw AuthError.invalid('client not accepted');
  }
  const id = nonEmptyString(claims.sub);
  if (!id) throw AuthError.invalid('no subject');
  const username = nonEmptyString(claims.preferred_username) ?? id;
  const email = nonEmptyString(claims.email);
  const rawRoles = claims.realm_access?.roles;
  return {
    id,
    username,
    name: nonEmptyString(claims.name) ?? username,
    ...(email ? { email } : {}),
    roles: Array.isArray(rawRoles) ? [...new Set(rawRoles.filter(isRole))] : [],
    clientId: clientId ?? '',
    token,
    expiresAt: new Date(claims.exp * 1000),
  };
}

function audiences(aud: unknown): string[] {
  if (typeof aud === 'string') return [aud];
  return Array.isArray(aud) ? aud.filter((value): value is string => typeof value === 'string') : [];
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
