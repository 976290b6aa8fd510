import { AuthError } from './auth.errors';

/** The token of an `Authorization: Bearer <token>` header; the scheme is case-insensitive (RFC 7235). */
export function bearerTokenOf(authorization: string | string[] | undefined): string {
  if (authorization === undefined || authorization === '') throw AuthError.missing();
  if (Array.isArray(authorization)) throw AuthError.invalid('more than one Authorization header');
  const match = /^Bearer +(\S+) *$/i.exec(authorization);
  if (!match) throw AuthError.invalid('not a Bearer authorization');
  return match[1];
}
