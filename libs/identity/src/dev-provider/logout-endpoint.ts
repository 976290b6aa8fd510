import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Provider } from 'oidc-provider';
import type { RealmExport } from '../realm/realm-export.schema';
import { sendJson } from './http-helpers';

/**
 * Keycloak's back-channel logout of a public or confidential client:
 * `POST …/logout` with `client_id` (+ `client_secret`) and `refresh_token` → 204, the session
 * (our grant) ends, its refresh tokens stop working and userinfo refuses its access tokens.
 * Browser (RP-initiated) logout stays with oidc-provider's end_session endpoint.
 */
export async function handleRefreshTokenLogout(
  res: ServerResponse,
  form: URLSearchParams,
  deps: { provider: Provider; realm: RealmExport },
): Promise<void> {
  const clientId = form.get('client_id') ?? '';
  const client = deps.realm.clients.find((c) => c.clientId === clientId && c.enabled && !c.bearerOnly);
  if (!client || (!client.publicClient && !sameSecret(client.secret, form.get('client_secret')))) {
    sendJson(res, 401, { error: 'unauthorized_client', error_description: 'Invalid client or Invalid client credentials' });
    return;
  }
  const refreshToken = await deps.provider.RefreshToken.find(form.get('refresh_token') ?? '');
  if (!refreshToken || refreshToken.clientId !== clientId) {
    sendJson(res, 400, { error: 'invalid_grant', error_description: 'Invalid refresh token' });
    return;
  }
  const grant = refreshToken.grantId ? await deps.provider.Grant.find(refreshToken.grantId) : undefined;
  await Promise.all([grant?.destroy(), refreshToken.destroy()]);
  res.writeHead(204, { 'cache-control': 'no-store' });
  res.end();
}

export function hasRefreshTokenLogout(req: IncomingMessage): boolean {
  return req.method === 'POST' && /application\/x-www-form-urlencoded/.test(req.headers['content-type'] ?? '');
}

function sameSecret(expected: string | undefined, given: string | null): boolean {
  if (!expected || !given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
