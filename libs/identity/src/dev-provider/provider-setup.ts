import type { RealmExport } from '../realm/realm-export.schema';
import type { RealmAccounts } from './realm-accounts';
import type { SigningJwk } from './signing-key';

/** The one resource server: every access token is a JWT for the CRM API, like Keycloak's. */
export const CRM_API_RESOURCE = 'urn:crm:resource:crm-api';
export const SUPPORTED_SCOPES = ['openid', 'profile', 'email', 'offline_access'];
/** Keycloak's default client scopes: what a token carries when the request names none. */
export const DEFAULT_SCOPES = ['profile', 'email'];

export const OIDC_PATHS = {
  authorization: '/protocol/openid-connect/auth',
  token: '/protocol/openid-connect/token',
  jwks: '/protocol/openid-connect/certs',
  userinfo: '/protocol/openid-connect/userinfo',
  end_session: '/protocol/openid-connect/logout',
  revocation: '/protocol/openid-connect/revoke',
  introspection: '/protocol/openid-connect/token/introspect',
  pushed_authorization_request: '/protocol/openid-connect/ext/par/request',
  device_authorization: '/protocol/openid-connect/auth/device',
  code_verification: '/device',
} as const;

export interface ProviderSetup {
  issuer: string;
  mountPath: string;
  realm: RealmExport;
  accounts: RealmAccounts;
  signingKey: SigningJwk;
  accessTokenTtlSeconds: number;
}

export function resourceServerInfo(ttl: number): Record<string, unknown> {
  return {
    scope: SUPPORTED_SCOPES.join(' '),
    audience: 'crm-api',
    accessTokenFormat: 'jwt',
    accessTokenTTL: ttl,
    jwt: { sign: { alg: 'RS256' } },
  };
}

