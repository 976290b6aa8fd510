import type { AuthenticatedUser } from '../authenticated-user';
import { VerifiedTokens } from './verified-tokens';

const user = (expiresAt: number): AuthenticatedUser => ({ id: 'u', username: 'u', name: 'u', roles: ['manager'], clientId: 'crm-cli', token: 't', expiresAt: new Date(expiresAt) });

describe('VerifiedTokens', () => {
  it('answers a verified token until it expires, never after', () => {
    let now = 0;
    const tokens = new VerifiedTokens(10, 60_000, () => now);
    tokens.remember('a', user(30_000));
    now = 29_999;
    expect(tokens.get('a')?.id).toBe('u');
    now = 30_000;
    expect(tokens.get('a')).toBeUndefined(); // verified again: the verifier answers "expired"
    expect(tokens.size).toBe(0);
  });

  it('forgets a long-lived token after its maximum age, so removed keys stop counting', () => {
    let now = 0;
    const tokens = new VerifiedTokens(10, 60_000, () => now);
    tokens.remember('a', user(3_600_000));
    now = 60_000;
    expect(tokens.get('a')).toBeUndefined();
  });

  it('keeps at most maxEntries, dropping the oldest, and hands out frozen users', () => {
    const tokens = new VerifiedTokens(2, 60_000, () => 0);
    tokens.remember('a', user(1_000));
    tokens.remember('b', user(1_000));
    tokens.remember('c', user(1_000));
    expect([tokens.get('a'), tokens.get('b')?.id, tokens.get('c')?.id]).toEqual([undefined, 'u', 'u']);
    expect(Object.isFrozen(tokens.get('b'))).toBe(true);
  });
});
