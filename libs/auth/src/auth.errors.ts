import { DomainError, type ErrorKind } from '@crm/contracts';

/** Stable codes of authentication and authorization failures (public contract). */
export const AUTH_ERROR_CODES = {
  TOKEN_MISSING: 'AUTH.TOKEN_MISSING',
  TOKEN_INVALID: 'AUTH.TOKEN_INVALID',
  TOKEN_EXPIRED: 'AUTH.TOKEN_EXPIRED',
  FORBIDDEN: 'AUTH.FORBIDDEN',
  /** The identity provider's key set could not be fetched: the token may be fine, so not a 401. */
  UNAVAILABLE: 'AUTH.UNAVAILABLE',
} as const;
export type AuthErrorCode = (typeof AUTH_ERROR_CODES)[keyof typeof AUTH_ERROR_CODES];

const KIND_BY_CODE: Record<AuthErrorCode, ErrorKind> = {
  'AUTH.TOKEN_MISSING': 'unauthenticated',
  'AUTH.TOKEN_INVALID': 'unauthenticated',
  'AUTH.TOKEN_EXPIRED': 'unauthenticated',
  'AUTH.FORBIDDEN': 'forbidden',
  'AUTH.UNAVAILABLE': 'unavailable',
};

/**
 * Messages are fixed phrases chosen by this library: they never quote the token or its claims,
 * because problem details travel back to whoever sent the token (and into logs).
 */
export class AuthError extends DomainError {
  declare readonly code: AuthErrorCode;

  constructor(code: AuthErrorCode, message: string) {
    super(code, KIND_BY_CODE[code], message);
  }

  static missing(): AuthError {
    return new AuthError(AUTH_ERROR_CODES.TOKEN_MISSING, 'An access token is required: send "Authorization: Bearer <token>".');
  }

  static invalid(reason: string): AuthError {
    return new AuthError(AUTH_ERROR_CODES.TOKEN_INVALID, `The access token is not valid (${reason}).`);
  }

  static expired(): AuthError {
    return new AuthError(AUTH_ERROR_CODES.TOKEN_EXPIRED, 'The access token has expired.');
  }

  static forbidden(message = 'You do not have a role that allows this action.'): AuthError {
    return new AuthError(AUTH_ERROR_CODES.FORBIDDEN, message);
  }

  static unavailable(): AuthError {
    return new AuthError(AUTH_ERROR_CODES.UNAVAILABLE, 'The identity provider cannot be reached to verify the access token.');
  }
}
