import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { type DevIdentityProvider, fetchPasswordGrantToken, startDevIdentityProvider, TokenRequestError } from '../src/dev-provider';
import { DEMO_USER_IDS, REALM_FILE } from './support/realm-file';

describe('dev identity provider: Keycloak paths and password grant', () => {
  let idp: DevIdentityProvider;
  let realmUrl: string;

  beforeAll(async () => {
    idp = await startDevIdentityProvider({ realmFile: REALM_FILE, port: 0, accessTokenTtlSeconds: 120 });
    realmUrl = `${idp.url}/realms/crm`;
  });
  afterAll(() => idp.close());

  const tokenRequest = (form: Record<string, string>) =>
    fetch(`${realmUrl}/protocol/openid-connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });

  it('answers health probes', async () => {
    expect((await fetch(`${idp.url}/health/live`)).status).toBe(200);
    expect((await fetch(`${idp.url}/health/ready`)).status).toBe(200);
  });

  it('publishes the discovery document at Keycloak paths', async () => {
    const response = await fetch(`${realmUrl}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    const doc = (await response.json()) as Record<string, unknown>;
    expect(idp.issuer).toBe(realmUrl);
    expect(doc).toMatchObject({
      issuer: realmUrl,
      authorization_endpoint: `${realmUrl}/protocol/openid-connect/auth`,
      token_endpoint: `${realmUrl}/protocol/openid-connect/token`,
      jwks_uri: `${realmUrl}/protocol/openid-connect/certs`,
      userinfo_endpoint: `${realmUrl}/protocol/openid-connect/userinfo`,
      end_session_endpoint: `${realmUrl}/protocol/openid-connect/logout`,
    });
    expect(doc.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token', 'password']));
    expect(doc.code_challenge_methods_supported).toEqual(['S256']);
  });

  it('issues a Keycloak-shaped RS256 access token to crm-cli for a demo user', async () => {
    const tokens = await fetchPasswordGrantToken({ authUrl: idp.url, username: 'manager1', password: 'manager1' });
    expect(tokens.expires_in).toBe(120);
    expect(tokens.refresh_token).toEqual(expect.any(String));

    const jwks = createRemoteJWKSet(new URL(`${realmUrl}/protocol/openid-connect/certs`));
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, { issuer: realmUrl, audience: 'crm-api' });
    expect(protectedHeader).toMatchObject({ alg: 'RS256', typ: 'JWT', kid: expect.any(String) });
    expect(payload).toMatchObject({
      iss: realmUrl,
      sub: DEMO_USER_IDS.manager1,
      typ: 'Bearer',
      azp: 'crm-cli',
      aud: 'crm-api',
      preferred_username: 'manager1',
      name: 'Maria Manager',
      given_name: 'Maria',
      family_name: 'Manager',
      email: 'manager1@crm.example.com',
      scope: 'profile email',
      sid: expect.any(String),
      jti: expect.any(String),
    });
    expect((payload.realm_access as { roles: string[] }).roles).toEqual(expect.arrayContaining(['manager', 'default-roles-crm']));
    expect(payload.exp! - payload.iat!).toBe(120);
  });

  it('returns an id_token when openid is asked for, and refreshes with the refresh token', async () => {
    const tokens = await fetchPasswordGrantToken({ authUrl: idp.url, username: 'admin', password: 'admin', scope: 'openid' });
    expect(tokens.id_token).toEqual(expect.any(String));
    const refreshed = await tokenRequest({ grant_type: 'refresh_token', client_id: 'crm-cli', refresh_token: tokens.refresh_token! });
    expect(refreshed.status).toBe(200);
    const body = (await refreshed.json()) as { access_token: string };
    const jwks = createRemoteJWKSet(new URL(`${realmUrl}/protocol/openid-connect/certs`));
    const { payload } = await jwtVerify(body.access_token, jwks, { issuer: realmUrl });
    expect(payload).toMatchObject({ sub: DEMO_USER_IDS.admin, typ: 'Bearer', azp: 'crm-cli', aud: 'crm-api' });
    expect((payload.realm_access as { roles: string[] }).roles).toContain('admin');
  });

  it('answers a wrong password with 401 invalid_grant, like Keycloak', async () => {
    const response = await tokenRequest({ grant_type: 'password', client_id: 'crm-cli', username: 'manager1', password: 'nope' });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_grant', error_description: 'Invalid user credentials' });
    await expect(fetchPasswordGrantToken({ authUrl: idp.url, username: 'ghost', password: 'ghost' })).rejects.toMatchObject({
      status: 401,
      error: 'invalid_grant',
    });
  });

  it('refuses a disabled user even with the right password', async () => {
    const error = await fetchPasswordGrantToken({ authUrl: idp.url, username: 'manager3', password: 'manager3' }).catch((e) => e);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ status: 400, error: 'invalid_grant', description: 'Account disabled' });
  });

  it('refuses an unknown client and a client without direct access grants', async () => {
    const unknown = await tokenRequest({ grant_type: 'password', client_id: 'no-such-client', username: 'admin', password: 'admin' });
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toMatchObject({ error: 'invalid_client' });
    const web = await tokenRequest({ grant_type: 'password', client_id: 'crm-web', username: 'admin', password: 'admin' });
    expect(web.status).toBe(400);
  });

  it('serves userinfo for an access token, and 401 without one', async () => {
    const { access_token } = await fetchPasswordGrantToken({ authUrl: idp.url, username: 'executive', password: 'executive' });
    const response = await fetch(`${realmUrl}/protocol/openid-connect/userinfo`, { headers: { authorization: `Bearer ${access_token}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      sub: DEMO_USER_IDS.executive,
      preferred_username: 'executive',
      name: 'Erin Executive',
      email: 'executive@crm.example.com',
    });
    const anonymous = await fetch(`${realmUrl}/protocol/openid-connect/userinfo`);
    expect(anonymous.status).toBe(401);
    const forged = await fetch(`${realmUrl}/protocol/openid-connect/userinfo`, {
      headers: { authorization: `Bearer ${access_token.slice(0, -4)}AAAA` },
    });
    expect(forged.status).toBe(401);
  });

  it('logs out with the refresh token: refresh and userinfo stop working', async () => {
    const tokens = await fetchPasswordGrantToken({ authUrl: idp.url, username: 'supervisor', password: 'supervisor' });
    const logout = await fetch(`${realmUrl}/protocol/openid-connect/logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: 'crm-cli', refresh_token: tokens.refresh_token! }).toString(),
    });
    expect(logout.status).toBe(204);
    const refresh = await tokenRequest({ grant_type: 'refresh_token', client_id: 'crm-cli', refresh_token: tokens.refresh_token! });
    expect(refresh.status).toBe(400);
    expect(await refresh.json()).toMatchObject({ error: 'invalid_grant' });
    const userinfo = await fetch(`${realmUrl}/protocol/openid-connect/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(userinfo.status).toBe(401);
  });

  it('keeps the key id of the JWKS in the token header', async () => {
    const { access_token } = await fetchPasswordGrantToken({ authUrl: idp.url, username: 'admin', password: 'admin' });
    const jwks = (await (await fetch(`${realmUrl}/protocol/openid-connect/certs`)).json()) as { keys: { kid: string; d?: string }[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0].d).toBeUndefined();
    expect(decodeProtectedHeader(access_token).kid).toBe(jwks.keys[0].kid);
  });
});

describe('dev identity provider behind a public URL', () => {
  let idp: DevIdentityProvider;

  beforeAll(async () => {
    idp = await startDevIdentityProvider({ realmFile: REALM_FILE, port: 0, publicUrl: 'http://auth.crm.test:8443/' });
  });
  afterAll(() => idp.close());

  it('names the public URL as issuer and in every endpoint, like Keycloak with KC_HOSTNAME', async () => {
    expect(idp.url).toBe('http://auth.crm.test:8443');
    expect(idp.issuer).toBe('http://auth.crm.test:8443/realms/crm');
    // The test reaches the listening socket directly; the address is not the public one.
    const discovery = await (await fetch(`${idp.listenUrl}/realms/crm/.well-known/openid-configuration`)).json();
    expect(discovery).toMatchObject({
      issuer: 'http://auth.crm.test:8443/realms/crm',
      token_endpoint: 'http://auth.crm.test:8443/realms/crm/protocol/openid-connect/token',
    });
  });

  it('issues client-credentials tokens to the confidential crm-gateway client', async () => {
    const response = await fetch(`${idp.listenUrl}/realms/crm/protocol/openid-connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'crm-gateway', client_secret: 'crm-gateway-dev-secret' }).toString(),
    });
    expect(response.status).toBe(200);
    const { access_token } = (await response.json()) as { access_token: string };
    const claims = JSON.parse(Buffer.from(access_token.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ iss: 'http://auth.crm.test:8443/realms/crm', azp: 'crm-gateway', typ: 'Bearer' });
  });
});
