import { Logger } from '@nestjs/common';
import Keycloak from 'keycloak-connect';
import { AuthError } from '../auth.errors';
import type { AuthModuleOptions } from '../auth.options';
import type { AuthenticatedUser } from '../authenticated-user';
import { decodeUnverified, toAuthenticatedUser } from '../jwt-claims';
import { TokenVerifier } from '../token-verifier';
import { KeySetCache } from './key-set-cache';
import { RefreshLimiter } from './refresh-limiter';
import { rotationOf } from './rotation-internals';
import { VerifiedTokens } from './verified-tokens';

export interface KeycloakConnectVerifierOptions extends AuthModuleOptions {
  /** Key-set fetches allowed at once (default 3: cold start, a rotation, one spare). */
  jwksRefreshBurst?: number;
  /** After the burst, one key-set fetch per this interval (default 10 s, the library's own pace). */
  jwksRefreshIntervalMs?: number;
  /** Fetch the key set again when it is older than this (default 10 min) so removed keys stop working. */
  jwksMaxAgeMs?: number;
  jwksTimeoutMs?: number;
  /** Allowed clock difference with Keycloak for `nbf` (default 5 s). */
  clockToleranceSeconds?: number;
  /** Verified tokens kept in memory (default 5,000; see VerifiedTokens). */
  verifiedTokensMax?: number;
}

/** A verified token is answered from memory at most this long (and never past the key set's max age). */
const VERIFIED_TOKEN_MAX_AGE_MS = 60_000;

/** keycloak-connect's rejection messages (grant-manager.js) mapped to phrases safe to return. */
const LIBRARY_REASONS: [RegExp, string][] = [
  [/wrong ISS/, 'issuer not accepted'],
  [/wrong type/, 'not an access token'],
  [/wrong audience/, 'audience not accepted'],
  [/signature/, 'signature'],
  [/stale token/, 'issued before the realm\'s not-before time'],
];

/**
 * Verifies Keycloak access tokens with keycloak-connect's grant manager (bearer only, keys from
 * the realm's JWKS). The library checks the RS256 signature, `exp`, `iss` and `typ: Bearer`;
 * this class adds the header `alg`, `nbf`, audience and authorized party checks, and works
 * around the library's key-rotation bug (see KeySetCache and ADR 0001).
 */
export class KeycloakConnectTokenVerifier extends TokenVerifier {
  private readonly logger = new Logger(KeycloakConnectTokenVerifier.name);
  private readonly keycloak: Keycloak.Keycloak;
  private readonly keys: KeySetCache;
  private readonly verified: VerifiedTokens;

  constructor(private readonly options: KeycloakConnectVerifierOptions) {
    super();
    const authServerUrl = options.authUrl.replace(/\/+$/, '');
    this.keycloak = new Keycloak(
      {},
      {
        realm: options.realm,
        'auth-server-url': authServerUrl,
        resource: options.clientId,
        'bearer-only': true,
        'ssl-required': 'external',
        'confidential-port': 0,
      },
    );
    this.keys = new KeySetCache(
      rotationOf(this.keycloak.grantManager),
      new RefreshLimiter(options.jwksRefreshBurst ?? 3, options.jwksRefreshIntervalMs ?? 10_000),
      {
        url: `${authServerUrl}/realms/${encodeURIComponent(options.realm)}/protocol/openid-connect/certs`,
        maxAgeMs: options.jwksMaxAgeMs ?? 10 * 60_000,
        timeoutMs: options.jwksTimeoutMs ?? 5_000,
      },
    );
    const keySetMaxAgeMs = options.jwksMaxAgeMs ?? 10 * 60_000;
    this.verified = new VerifiedTokens(options.verifiedTokensMax ?? 5_000, Math.min(VERIFIED_TOKEN_MAX_AGE_MS, keySetMaxAgeMs));
  }

  async verify(accessToken: string): Promise<AuthenticatedUser> {
    if (typeof accessToken !== 'string' || accessToken.length === 0) throw AuthError.missing();
    const known = this.verified.get(accessToken);
    if (known) return known;
    const { header, claims } = decodeUnverified(accessToken);
    // The library always verifies RSA-SHA256 whatever the header says; refuse anything else
    // outright so that `none`/HS256 tokens never reach it.
    if (header.alg !== 'RS256') throw AuthError.invalid('algorithm not accepted');
    if (typeof header.kid !== 'string' || header.kid.length === 0) throw AuthError.invalid('no key id');
    await this.keys.ensure(header.kid);
    try {
      // Typed as taking Token objects; it takes the raw JWT string and parses it itself.
      await this.keycloak.grantManager.createGrant({ access_token: accessToken as unknown as Keycloak.Token });
    } catch (error) {
      // The library checks `exp` before the signature, so an expired token is reported as such.
      if (typeof claims.exp === 'number' && claims.exp * 1000 < Date.now()) throw AuthError.expired();
      const message = error instanceof Error ? error.message : String(error);
      this.logger.debug(`keycloak-connect rejected an access token: ${message}`);
      throw AuthError.invalid(LIBRARY_REASONS.find(([pattern]) => pattern.test(message))?.[1] ?? 'rejected');
    }
    const user = toAuthenticatedUser(accessToken, claims, {
      audience: this.options.audience,
      allowedClients: this.options.allowedClients,
      clockToleranceSeconds: this.options.clockToleranceSeconds ?? 5,
      now: new Date(),
    });
    this.verified.remember(accessToken, user);
    return user;
  }
}
