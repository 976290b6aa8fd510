import { errors } from 'oidc-provider';

/**
 * An OAuth error with Keycloak's status and wording, e.g. a wrong password is
 * 401 `{"error":"invalid_grant","error_description":"Invalid user credentials"}`.
 */
export function keycloakError(status: number, error: string, description: string): Error {
  const err = new errors.CustomOIDCProviderError(error, description);
  err.status = status;
  err.statusCode = status;
  return err;
}
