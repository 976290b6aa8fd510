import type { OidcContext, Provider } from 'oidc-provider';
import { errors } from 'oidc-provider';
import { CRM_API_RESOURCE, DEFAULT_SCOPES, type ProviderSetup, resourceServerInfo, SUPPORTED_SCOPES } from './provider-setup';
import { keycloakError } from './keycloak-errors';

/**
 * Keycloak's "direct access grants" (RFC 6749 §4.3), which oidc-provider leaves out on purpose:
 * only clients whose realm entry has directAccessGrantsEnabled get `password` in grant_types,
 * and oidc-provider rejects the grant for every other client before this handler runs.
 */
export function registerPasswordGrant(provider: Provider, setup: ProviderSetup): void {
  provider.registerGrantType('password', (ctx) => passwordGrant(provider, setup, ctx), ['username', 'password', 'scope']);
}

async function passwordGrant(provider: Provider, setup: ProviderSetup, ctx: OidcContext): Promise<void> {
  const { username, password, scope } = ctx.oidc.params as Record<string, string | undefined>;
  const client = ctx.oidc.client;
  if (!client) throw new errors.InvalidRequest('client is required');
  if (!username || !password) throw keycloakError(401, 'invalid_grant', 'Invalid user credentials');

  const check = setup.accounts.checkCredentials(username, password);
  if (!check.ok) {
    throw check.reason === 'disabled'
      ? keycloakError(400, 'invalid_grant', 'Account disabled')
      : keycloakError(401, 'invalid_grant', 'Invalid user credentials');
  }
  const user = check.user;
  const scopes = resolveScopes(scope);

  // A grant per login plays the part of Keycloak's user session: refresh and logout hang off it.
  const grant = new provider.Grant({ accountId: user.id, clientId: client.clientId });
  grant.addOIDCScope(scopes.join(' '));
  grant.addResourceScope(CRM_API_RESOURCE, scopes.join(' '));
  await grant.save();
  const account = setup.accounts.toAccount(user);
  ctx.oidc.entity('Account', account);
  ctx.oidc.entity('Grant', grant);

  const at = new provider.AccessToken({ accountId: user.id, client, grantId: grant.jti, gty: 'password' });
  at.resourceServer = new provider.ResourceServer(CRM_API_RESOURCE, resourceServerInfo(setup.accessTokenTtlSeconds));
  at.scope = scopes.join(' ');
  ctx.oidc.entity('AccessToken', at);
  const accessToken = await at.save();

  let refreshToken: string | undefined;
  let refreshExpiresIn: number | undefined;
  if (client.grantTypeAllowed('refresh_token')) {
    const rt = new provider.RefreshToken({
      accountId: user.id,
      client,
      grantId: grant.jti,
      gty: 'password',
      resource: CRM_API_RESOURCE,
      scope: scopes.join(' '),
      rotations: 0,
      expiresWithSession: false,
    });
    ctx.oidc.entity('RefreshToken', rt);
    refreshToken = await rt.save();
    refreshExpiresIn = rt.expiration;
  }

  let idToken: string | undefined;
  if (scopes.includes('openid')) {
    const token = new provider.IdToken({ ...(await account.claims('id_token', scopes.join(' '))) }, { ctx });
    token.scope = scopes.join(' ');
    token.set('sid', grant.jti);
    idToken = await token.issue({ use: 'idtoken' });
  }

  ctx.body = {
    access_token: accessToken,
    expires_in: at.expiration,
    refresh_expires_in: refreshExpiresIn ?? 0,
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
    token_type: 'Bearer',
    ...(idToken ? { id_token: idToken } : {}),
    'not-before-policy': 0,
    session_state: grant.jti,
    scope: scopes.join(' '),
  };
}

/** Requested scopes Keycloak knows, plus its default client scopes; unknown ones are ignored. */
function resolveScopes(requested: string | undefined): string[] {
  const asked = (requested ?? '').split(' ').filter((s) => SUPPORTED_SCOPES.includes(s));
  return [...new Set([...asked, ...DEFAULT_SCOPES])].sort((a, b) => SUPPORTED_SCOPES.indexOf(a) - SUPPORTED_SCOPES.indexOf(b));
}
