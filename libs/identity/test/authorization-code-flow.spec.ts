import { createHash, randomBytes } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { type DevIdentityProvider, startDevIdentityProvider } from '../src/dev-provider';
import { Browser } from './support/browser';
import { DEMO_USER_IDS, REALM_FILE } from './support/realm-file';

const REDIRECT_URI = 'http://localhost:5173/auth/callback';

describe('dev identity provider: authorization code + PKCE for crm-web', () => {
  let idp: DevIdentityProvider;
  let realmUrl: string;

  beforeAll(async () => {
    idp = await startDevIdentityProvider({ realmFile: REALM_FILE, port: 0 });
    realmUrl = `${idp.url}/realms/crm`;
  });
  afterAll(() => idp.close());

  function pkce() {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    return { verifier, challenge };
  }

  function authUrl(challenge: string, extra: Record<string, string> = {}) {
    const params = new URLSearchParams({
      client_id: 'crm-web',
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      scope: 'openid profile email',
      state: 'state-123',
      nonce: 'nonce-456',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...extra,
    });
    return `${realmUrl}/protocol/openid-connect/auth?${params}`;
  }

  /** GET auth → login form; returns the form's action URL. */
  async function openLoginForm(browser: Browser, challenge: string): Promise<string> {
    const { response, url } = await browser.follow(authUrl(challenge), idp.url);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('name="username"');
    expect(html).toContain('name="password"');
    const action = /<form[^>]*action="([^"]+)"/.exec(html)![1].replace(/&#38;/g, '&');
    return new URL(action, url).href;
  }

  function postForm(browser: Browser, url: string, form: Record<string, string>) {
    return browser.follow(url, idp.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }

  it('logs a realm user in and exchanges the code with the code_verifier', async () => {
    const browser = new Browser();
    const { verifier, challenge } = pkce();
    const action = await openLoginForm(browser, challenge);

    const { url: callback } = await postForm(browser, action, { username: 'manager2', password: 'manager2' });
    const redirect = new URL(callback);
    expect(`${redirect.origin}${redirect.pathname}`).toBe(REDIRECT_URI);
    expect(redirect.searchParams.get('state')).toBe('state-123');
    expect(redirect.searchParams.get('iss')).toBe(realmUrl);
    const code = redirect.searchParams.get('code')!;
    expect(code).toBeTruthy();

    const token = await fetch(`${realmUrl}/protocol/openid-connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost:5173' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: 'crm-web',
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
      }).toString(),
    });
    expect(token.status).toBe(200);
    expect(token.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const tokens = (await token.json()) as { access_token: string; id_token: string; refresh_token: string; token_type: string };
    expect(tokens.token_type).toBe('Bearer');
    expect(tokens.refresh_token).toEqual(expect.any(String));

    const jwks = createRemoteJWKSet(new URL(`${realmUrl}/protocol/openid-connect/certs`));
    const { payload } = await jwtVerify(tokens.access_token, jwks, { issuer: realmUrl, audience: 'crm-api' });
    expect(payload).toMatchObject({
      sub: DEMO_USER_IDS.manager2,
      typ: 'Bearer',
      azp: 'crm-web',
      preferred_username: 'manager2',
      name: 'Mark Manager',
      realm_access: { roles: expect.arrayContaining(['manager']) },
    });
    const { payload: idToken } = await jwtVerify(tokens.id_token, jwks, { issuer: realmUrl, audience: 'crm-web' });
    expect(idToken).toMatchObject({ sub: DEMO_USER_IDS.manager2, nonce: 'nonce-456', preferred_username: 'manager2' });

    const userinfo = await fetch(`${realmUrl}/protocol/openid-connect/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(await userinfo.json()).toMatchObject({ sub: DEMO_USER_IDS.manager2, name: 'Mark Manager' });

    // The same code cannot be used twice.
    const replay = await fetch(`${realmUrl}/protocol/openid-connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', client_id: 'crm-web', code, redirect_uri: REDIRECT_URI, code_verifier: verifier }).toString(),
    });
    expect(replay.status).toBe(400);
  });

  it('rejects the code exchange with a wrong code_verifier', async () => {
    const browser = new Browser();
    const { challenge } = pkce();
    const action = await openLoginForm(browser, challenge);
    const { url: callback } = await postForm(browser, action, { username: 'admin', password: 'admin' });
    const code = new URL(callback).searchParams.get('code')!;
    const token = await fetch(`${realmUrl}/protocol/openid-connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: 'crm-web',
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: pkce().verifier,
      }).toString(),
    });
    expect(token.status).toBe(400);
    expect(await token.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('shows the form again for a wrong password and for a disabled user', async () => {
    const browser = new Browser();
    const action = await openLoginForm(browser, pkce().challenge);
    const wrong = await postForm(browser, action, { username: 'manager1', password: 'wrong' });
    expect(wrong.response.status).toBe(200);
    expect(await wrong.response.text()).toContain('Invalid username or password.');

    const disabled = await postForm(browser, action, { username: 'manager3', password: 'manager3' });
    expect(disabled.response.status).toBe(200);
    expect(await disabled.response.text()).toContain('Account is disabled');
  });

  it('requires PKCE and a registered redirect URI', async () => {
    const noPkce = await fetch(
      `${realmUrl}/protocol/openid-connect/auth?${new URLSearchParams({ client_id: 'crm-web', response_type: 'code', redirect_uri: REDIRECT_URI, scope: 'openid' })}`,
      { redirect: 'manual' },
    );
    expect(noPkce.status).toBe(303);
    expect(new URL(noPkce.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');

    const foreign = await fetch(authUrl(pkce().challenge, { redirect_uri: 'http://evil.example.com/cb' }), { redirect: 'manual' });
    expect(foreign.status).toBe(400);
  });

  it('logs the browser session out through the end-session endpoint', async () => {
    const browser = new Browser();
    const action = await openLoginForm(browser, pkce().challenge);
    await postForm(browser, action, { username: 'executive', password: 'executive' });

    // Signed in: a new authorization request comes straight back with a code.
    const again = await browser.follow(authUrl(pkce().challenge), idp.url);
    expect(new URL(again.url).searchParams.get('code')).toBeTruthy();

    const page = await browser.request(`${realmUrl}/protocol/openid-connect/logout?client_id=crm-web&post_logout_redirect_uri=${encodeURIComponent('http://localhost:5173/')}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const confirm = /action="([^"]+)"/.exec(html)![1];
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)![1];
    const done = await postForm(browser, new URL(confirm, realmUrl).href, { xsrf, logout: 'yes' });
    expect(done.url).toBe('http://localhost:5173/');

    // Signed out: the next authorization request shows the login form again.
    const afterLogout = await browser.follow(authUrl(pkce().challenge), idp.url);
    expect(await afterLogout.response.text()).toContain('name="password"');
  });
});
