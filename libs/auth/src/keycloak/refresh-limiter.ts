/**
 * Token bucket for key-set fetches: a short burst (cold start, then a key rotation right after)
 * is allowed, after that one fetch per interval. Tokens with made-up key ids can therefore cost
 * the identity provider at most `burst` requests at once and one per interval afterwards.
 */
export class RefreshLimiter {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly burst: number,
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.updatedAt = now();
  }

  tryTake(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + (now - this.updatedAt) / this.intervalMs);
    this.updatedAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
