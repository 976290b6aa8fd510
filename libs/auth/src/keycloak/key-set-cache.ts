import { Logger } from '@nestjs/common';
import { AuthError } from '../auth.errors';
import type { RefreshLimiter } from './refresh-limiter';
import type { PublicJwk, RotationInternals } from './rotation-internals';

export interface KeySetCacheOptions {
  /** The realm's JWKS endpoint. */
  url: string;
  /** Keys older than this are fetched again, so that keys the realm removed stop being trusted. */
  maxAgeMs: number;
  timeoutMs: number;
}

/**
 * Keeps keycloak-connect's key cache (`grantManager.rotation.jwks`) filled so that the library
 * never looks a key id up on its own. Its own lookup fails with a TypeError for an unknown kid
 * within 10 s of its last fetch, which breaks every token signed with a freshly rotated key.
 * Here an unknown kid (or an old key set) triggers a fetch right away, shared by concurrent
 * requests and bounded by a RefreshLimiter.
 */
export class KeySetCache {
  private readonly logger = new Logger(KeySetCache.name);
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private inFlight?: Promise<boolean>;

  constructor(
    private readonly rotation: RotationInternals,
    private readonly limiter: RefreshLimiter,
    private readonly options: KeySetCacheOptions,
  ) {}

  /** Resolves when the cache holds `kid`; throws TOKEN_INVALID for an unknown key, UNAVAILABLE when the realm cannot be reached. */
  async ensure(kid: string): Promise<void> {
    const known = this.has(kid);
    if (known && Date.now() - this.fetchedAt < this.options.maxAgeMs) return;
    let refreshed: boolean;
    if (this.inFlight) {
      refreshed = await this.inFlight;
    } else if (this.limiter.tryTake()) {
      refreshed = await this.refreshOnce();
    } else {
      // Rate limited: keep trusting the keys we have, reject the ones we do not know.
      if (known) return;
      throw AuthError.invalid('unknown signing key');
    }
    if (this.has(kid)) return;
    if (!refreshed && !known) throw AuthError.unavailable();
    throw AuthError.invalid('unknown signing key');
  }

  private has(kid: string): boolean {
    return this.rotation.jwks.some((key) => key.kid === kid);
  }

  private refreshOnce(): Promise<boolean> {
    this.inFlight = this.fetchKeys()
      .then((keys) => {
        this.rotation.jwks = keys;
        this.fetchedAt = Date.now();
        // The library would otherwise fetch on its own for a kid it does not hold (see above).
        this.rotation.lastTimeRequesTime = this.fetchedAt / 1000;
        return true;
      })
      .catch((error: unknown) => {
        this.logger.warn(`Could not fetch the realm's signing keys from ${this.options.url}: ${(error as Error).message}`);
        return false;
      })
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }

  private async fetchKeys(): Promise<PublicJwk[]> {
    const response = await fetch(this.options.url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const body = (await response.json()) as { keys?: unknown };
    if (!Array.isArray(body?.keys)) throw new Error('the response has no "keys" array');
    // Only RSA signing keys can verify an RS256 token; the realm also publishes encryption keys.
    return body.keys.filter(
      (key): key is PublicJwk =>
        typeof key === 'object' &&
        key !== null &&
        typeof key.kid === 'string' &&
        key.kty === 'RSA' &&
        (key.use === undefined || key.use === 'sig') &&
        (key.alg === undefined || key.alg === 'RS256'),
    );
  }
}
