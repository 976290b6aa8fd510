import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import type { SigningJwk } from './signing-key';

export type AccessTokenClaims = Record<string, unknown> & { sub?: string; sid?: string; exp?: number };

/** Checks our own RS256 access tokens (userinfo): signature, kid, issuer, typ Bearer, expiry. */
export class AccessTokenVerifier {
  private readonly publicKey: KeyObject;

  constructor(
    private readonly key: SigningJwk,
    private readonly issuer: string,
  ) {
    const { kty, n, e } = key;
    this.publicKey = createPublicKey({ key: { kty, n, e }, format: 'jwk' });
  }

  verify(token: string): AccessTokenClaims | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    try {
      const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as { alg?: string; kid?: string };
      if (header.alg !== 'RS256' || header.kid !== this.key.kid) return undefined;
      const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
      if (!verify('sha256', signed, this.publicKey, Buffer.from(parts[2], 'base64url'))) return undefined;
      const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as AccessTokenClaims;
      if (claims.iss !== this.issuer || claims.typ !== 'Bearer') return undefined;
      if (typeof claims.exp !== 'number' || claims.exp * 1000 <= Date.now()) return undefined;
      return claims;
    } catch {
      return undefined;
    }
  }
}
