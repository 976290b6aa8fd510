import type { AuthenticatedUser } from '../authenticated-user';

/**
 * Access tokens already verified, by their exact text: a client sends the same token with every
 * request for minutes, and checking its RS256 signature (with the key's conversion to PEM that
 * keycloak-connect repeats each time) was the largest single cost of a request in the gateway
 * and again in the service. An entry lives until the token expires, at most `maxAgeMs` (so a key
 * removed from the realm stops being trusted as soon as the key set is re-read), and at most
 * `maxEntries` are kept (the oldest go first).
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, { user: AuthenticatedUser; until: number }>();

  constructor(
    private readonly maxEntries: number,
    private readonly maxAgeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(token: string): AuthenticatedUser | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (entry.until > this.now()) return entry.user;
    this.entries.delete(token);
    return undefined;
  }

  remember(token: string, user: AuthenticatedUser): void {
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, { user: Object.freeze(user), until: Math.min(user.expiresAt.getTime(), this.now() + this.maxAgeMs) });
  }

  get size(): number {
    return this.entries.size;
  }
}
