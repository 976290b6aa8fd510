/**
 * The parts of keycloak-connect 26's private `grantManager.rotation` (middleware/auth-utils/
 * rotation.js) that the key-rotation workaround fills. Checked at construction so that an
 * upgrade that changes them fails at boot instead of silently bringing the bug back.
 */
export interface PublicJwk {
  kid: string;
  kty: string;
  use?: string;
  alg?: string;
  [member: string]: unknown;
}

export interface RotationInternals {
  jwks: PublicJwk[];
  /** Seconds since the epoch (sic: the library's spelling). */
  lastTimeRequesTime: number;
  getJWK(kid: string): unknown;
}

export function rotationOf(grantManager: unknown): RotationInternals {
  const rotation = (grantManager as { rotation?: Partial<RotationInternals> } | undefined)?.rotation;
  if (
    !rotation ||
    !Array.isArray(rotation.jwks) ||
    typeof rotation.lastTimeRequesTime !== 'number' ||
    typeof rotation.getJWK !== 'function'
  ) {
    throw new Error(
      'keycloak-connect internals changed: grantManager.rotation no longer has jwks/lastTimeRequesTime/getJWK. ' +
        'Review the key-rotation workaround (docs/adr/0001-token-verification-with-keycloak-connect.md).',
    );
  }
  return rotation as RotationInternals;
}
