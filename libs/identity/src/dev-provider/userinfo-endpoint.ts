import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Provider } from 'oidc-provider';
import type { AccessTokenVerifier } from './access-token-verifier';
import { bearerToken, readForm, sendJson } from './http-helpers';
import type { RealmAccounts } from './realm-accounts';

/**
 * Userinfo served here rather than by oidc-provider, which accepts only its opaque tokens there;
 * Keycloak answers it for its JWT access tokens as long as their session (our grant) lives.
 */
export async function handleUserinfo(
  req: IncomingMessage,
  res: ServerResponse,
  deps: { provider: Provider; verifier: AccessTokenVerifier; accounts: RealmAccounts },
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'POST') {
    sendJson(res, 405, { error: 'invalid_request', error_description: 'Method not allowed' }, { allow: 'GET, POST' });
    return;
  }
  let token = bearerToken(req);
  if (!token && req.method === 'POST' && /application\/x-www-form-urlencoded/.test(req.headers['content-type'] ?? '')) {
    token = (await readForm(req)).get('access_token') ?? undefined;
  }
  const claims = token ? deps.verifier.verify(token) : undefined;
  const user = claims?.sub ? deps.accounts.findActiveUser(claims.sub) : undefined;
  const sessionAlive = claims?.sid ? !!(await deps.provider.Grant.find(claims.sid)) : false;
  if (!claims || !user || !sessionAlive) {
    const description = !token ? 'Missing token' : 'Token verification failed';
    sendJson(res, 401, { error: 'invalid_token', error_description: description }, {
      'www-authenticate': `Bearer realm="${deps.accounts.realm.realm}", error="invalid_token", error_description="${description}"`,
    });
    return;
  }
  const { realm_access: _roles, ...profile } = deps.accounts.claimsOf(user);
  sendJson(res, 200, profile);
}
