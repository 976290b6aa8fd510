import { randomBytes } from 'node:crypto';
import { errors, type OidcClient, type OidcContext, Provider, type StructuredToken, type TokenModel } from 'oidc-provider';
import { memoryAdapterFactory } from './memory-adapter';
import { registerPasswordGrant } from './password-grant';
import { audiencesOf, redirectUriMatches, toOidcClients, webOriginsOf } from './realm-clients';
import { CRM_API_RESOURCE, OIDC_PATHS, type ProviderSetup, resourceServerInfo, SUPPORTED_SCOPES } from './provider-setup';

export function createProvider(setup: ProviderSetup): Provider {
  const { realm, accounts, accessTokenTtlSeconds: ttl, mountPath } = setup;
  const realmClients = new Map(realm.clients.map((c) => [c.clientId, c]));

  const provider = new Provider(setup.issuer, {
    adapter: memoryAdapterFactory(),
    clients: toOidcClients(realm),
    jwks: { keys: [setup.signingKey] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: {
      openid: ['sub'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username'],
      email: ['email', 'email_verified'],
      sid: null,
      auth_time: null,
      acr: null,
    },
    scopes: SUPPORTED_SCOPES,
    conformIdTokenClaims: false,
    routes: OIDC_PATHS,
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx: OidcContext, form: string) => {
          ctx.type = 'html';
          ctx.body = page(
            'Logging out',
            `<p>Do you want to log out?</p>${form}<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Logout</button>`,
          );
        },
        postLogoutSuccessSource: async (ctx: OidcContext) => {
          ctx.type = 'html';
          ctx.body = page('Logged out', '<p>You are logged out.</p>');
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => CRM_API_RESOURCE,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx: OidcContext, resource: string) => {
          if (resource !== CRM_API_RESOURCE) throw new errors.InvalidTarget();
          return resourceServerInfo(ttl);
        },
      },
    },
    pkce: { required: () => true },
    findAccount: async (_ctx: OidcContext, sub: string) => {
      const user = accounts.findActiveUser(sub);
      return user ? accounts.toAccount(user) : undefined;
    },
    // Keycloak clients with consentRequired=false never show a consent screen: grant every
    // supported scope to a logged-in user right away.
    loadExistingGrant: async (ctx: OidcContext) => {
      const { client, session, result } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const grantId = result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      const existing = grantId ? await provider.Grant.find(grantId) : undefined;
      if (existing) return existing;
      const grant = new provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope(SUPPORTED_SCOPES.join(' '));
      grant.addResourceScope(CRM_API_RESOURCE, SUPPORTED_SCOPES.join(' '));
      await grant.save();
      return grant;
    },
    issueRefreshToken: async (_ctx: OidcContext, client: OidcClient) => client.grantTypeAllowed('refresh_token'),
    interactions: { url: async (_ctx: OidcContext, interaction: { uid: string }) => `${mountPath}/login-actions/${interaction.uid}` },
    ttl: {
      AccessToken: ttl,
      ClientCredentials: ttl,
      IdToken: ttl,
      AuthorizationCode: 60,
      Interaction: 30 * 60,
      RefreshToken: 30 * 60,
      Session: 10 * 60 * 60,
      Grant: 10 * 60 * 60,
    },
    clientBasedCORS: (_ctx: OidcContext, origin: string, client: OidcClient) => {
      const realmClient = realmClients.get(client.clientId);
      return !!realmClient && webOriginsOf(realmClient).includes(origin);
    },
    formats: {
      customizers: {
        jwt: async (_ctx: OidcContext, token: TokenModel, jwt: StructuredToken) => {
          shapeLikeKeycloak(token, jwt, setup);
        },
      },
    },
    renderError: async (ctx: OidcContext, out: Record<string, string>) => {
      ctx.type = 'html';
      ctx.body = page('We are sorry…', `<p>${escapeHtml(out.error_description ?? out.error ?? 'Unexpected error')}</p>`);
    },
  });

  // Keycloak's wildcard redirect URIs ("http://localhost:5173/*").
  const clientPrototype = provider.Client.prototype;
  clientPrototype.redirectUriAllowed = function (this: OidcClient, value: string) {
    return redirectUriMatches(this.redirectUris, value);
  };
  clientPrototype.postLogoutRedirectUriAllowed = function (this: OidcClient, value: string) {
    return redirectUriMatches(this.postLogoutRedirectUris, value);
  };

  registerPasswordGrant(provider, setup);
  return provider;
}

/**
 * Access tokens shaped like Keycloak's: header typ JWT, payload typ Bearer, azp, audience from
 * the client's audience mappers, the user's profile and realm roles, and sid (here the grant:
 * logout ends it, and userinfo then refuses the token like Keycloak does for an ended session).
 */
function shapeLikeKeycloak(token: TokenModel, jwt: StructuredToken, setup: ProviderSetup): void {
  const realmClient = setup.realm.clients.find((c) => c.clientId === token.clientId);
  const audiences = realmClient ? audiencesOf(realmClient) : [];
  const user = token.accountId ? setup.accounts.findActiveUser(token.accountId) : undefined;
  jwt.header = { ...jwt.header, typ: 'JWT' };
  const payload = jwt.payload;
  if (audiences.length > 0) payload.aud = audiences.length === 1 ? audiences[0] : audiences;
  payload.typ = 'Bearer';
  payload.azp = token.clientId;
  if (token.grantId) payload.sid = token.grantId;
  if (user) {
    const { sub: _sub, ...claims } = setup.accounts.claimsOf(user);
    Object.assign(payload, claims);
    // Keycloak names the client only in service-account tokens.
    delete payload.client_id;
  }
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
