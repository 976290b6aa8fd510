import type { RealmClient, RealmExport } from '../realm/realm-export.schema';

/** Keycloak's audience mapper: which client ids the access tokens of this client carry in `aud`. */
export function audiencesOf(client: RealmClient): string[] {
  return client.protocolMappers
    .filter((m) => m.protocolMapper === 'oidc-audience-mapper' && m.config['access.token.claim'] !== 'false')
    .map((m) => m.config['included.client.audience'])
    .filter((aud): aud is string => !!aud);
}

/**
 * Realm clients as oidc-provider client metadata. Bearer-only clients (crm-api) log nobody in and
 * are only an audience, so they are not OAuth clients here.
 */
export function toOidcClients(realm: RealmExport): Record<string, unknown>[] {
  return realm.clients.filter((c) => c.enabled && !c.bearerOnly).map(toOidcClient).filter((c) => c !== undefined);
}

function toOidcClient(client: RealmClient): Record<string, unknown> | undefined {
  const grantTypes: string[] = [];
  if (client.standardFlowEnabled) grantTypes.push('authorization_code', 'refresh_token');
  if (client.directAccessGrantsEnabled) grantTypes.push('password', 'refresh_token');
  if (client.serviceAccountsEnabled && !client.publicClient) grantTypes.push('client_credentials');
  if (grantTypes.length === 0) return undefined;
  const postLogout = client.attributes['post.logout.redirect.uris'];
  return {
    client_id: client.clientId,
    client_name: client.name ?? client.clientId,
    ...(client.publicClient
      ? { token_endpoint_auth_method: 'none' }
      : { token_endpoint_auth_method: 'client_secret_post', client_secret: client.secret ?? '' }),
    grant_types: [...new Set(grantTypes)],
    response_types: client.standardFlowEnabled ? ['code'] : [],
    redirect_uris: client.standardFlowEnabled ? client.redirectUris : [],
    // Keycloak's "+" means "the redirect URIs"; "##" separates several.
    post_logout_redirect_uris: postLogout === '+' ? client.redirectUris : (postLogout?.split('##').filter(Boolean) ?? []),
  };
}

/**
 * Keycloak matches redirect URIs with a trailing `*` wildcard; oidc-provider only compares exactly.
 */
export function redirectUriMatches(allowed: readonly string[], candidate: string): boolean {
  return allowed.some((pattern) => (pattern.endsWith('*') ? candidate.startsWith(pattern.slice(0, -1)) : pattern === candidate));
}

/** Keycloak's web origins: "+" stands for the origins of the redirect URIs. */
export function webOriginsOf(client: RealmClient): string[] {
  return client.webOrigins.flatMap((origin) => {
    if (origin !== '+') return [origin];
    return client.redirectUris.map((uri) => URL.parse(uri.replace(/\*$/, ''))?.origin).filter((o): o is string => !!o);
  });
}
