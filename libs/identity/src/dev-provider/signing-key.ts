import { createHash, createPrivateKey, generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface SigningJwk extends JsonWebKey {
  kid: string;
  alg: 'RS256';
  use: 'sig';
}

/**
 * The realm's RS256 signing key: generated in memory at start (tokens die with the process, like a
 * throw-away dev realm), or read from a file (PEM or private JWK) to survive restarts.
 */
export function loadOrGenerateSigningKey(keyFile?: string): SigningJwk {
  const jwk = keyFile ? readKeyFile(keyFile) : (generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }) as JsonWebKey);
  if (jwk.kty !== 'RSA' || !jwk.d) throw new Error(`Signing key ${keyFile ?? ''} must be a private RSA key`);
  return { ...jwk, kid: thumbprint(jwk), alg: 'RS256', use: 'sig' };
}

function readKeyFile(file: string): JsonWebKey {
  const text = readFileSync(file, 'utf8').trim();
  if (text.startsWith('{')) return JSON.parse(text) as JsonWebKey;
  return createPrivateKey(text).export({ format: 'jwk' }) as JsonWebKey;
}

/** RFC 7638 thumbprint: the same key always gets the same kid. */
function thumbprint(jwk: JsonWebKey): string {
  const canonical = JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n });
  return createHash('sha256').update(canonical).digest('base64url');
}
