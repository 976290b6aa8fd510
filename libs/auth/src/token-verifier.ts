import type { AuthenticatedUser } from './authenticated-user';

/**
 * Verifies an access token and tells who sent it. An abstract class rather than an interface so
 * that it is its own Nest injection token: swap the implementation by providing another class
 * for `TokenVerifier` (see docs/adr/0001-token-verification-with-keycloak-connect.md).
 *
 * Implementations throw AuthError (TOKEN_INVALID, TOKEN_EXPIRED, UNAVAILABLE) and nothing else.
 */
export abstract class TokenVerifier {
  abstract verify(accessToken: string): Promise<AuthenticatedUser>;
}
