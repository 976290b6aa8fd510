export interface PasswordGrantRequest {
  /** Keycloak base URL (AUTH_URL), without /realms/…. */
  authUrl: string;
  realm?: string;
  clientId?: string;
  username: string;
  password: string;
  scope?: string;
}

export interface PasswordGrantTokens {
  access_token: string;
  expires_in: number;
  refresh_token?: string;
  id_token?: string;
  token_type?: string;
  scope?: string;
}

/** The token endpoint said no (wrong password, disabled user, unknown client …). */
export class TokenRequestError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description?: string,
  ) {
    super(`Token request failed (${status} ${error}${description ? `: ${description}` : ''})`);
    this.name = 'TokenRequestError';
  }
}

/**
 * `grant_type=password` against Keycloak or the dev identity provider (scripts and tests; the
 * contract lets public client crm-cli use it).
 */
export async function fetchPasswordGrantToken(request: PasswordGrantRequest): Promise<PasswordGrantTokens> {
  const realm = request.realm ?? 'crm';
  const url = `${request.authUrl.replace(/\/+$/, '')}/realms/${encodeURIComponent(realm)}/protocol/openid-connect/token`;
  const body = new URLSearchParams({
    grant_type: 'password',
    client_id: request.clientId ?? 'crm-cli',
    username: request.username,
    password: request.password,
    ...(request.scope ? { scope: request.scope } : {}),
  });
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: body.toString(),
    signal: AbortSignal.timeout(10_000),
  });
  const json = (await response.json().catch(() => ({}))) as Partial<PasswordGrantTokens> & { error?: string; error_description?: string };
  if (!response.ok || typeof json.access_token !== 'string') {
    throw new TokenRequestError(response.status, json.error ?? 'invalid_response', json.error_description);
  }
  return json as PasswordGrantTokens;
}
