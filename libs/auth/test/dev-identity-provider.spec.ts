import { join } from 'node:path';
import { type DevIdentityProvider, fetchPasswordGrantToken, startDevIdentityProvider } from '@crm/identity/dev-provider';
import { KeycloakConnectTokenVerifier } from '../src';

// The embedded identity provider stands in for Keycloak in the default set-up: its access tokens
// must pass the same verifier, with the settings the services use.
describe('KeycloakConnectTokenVerifier with the dev identity provider', () => {
  let idp: DevIdentityProvider;

  beforeAll(async () => {
    idp = await startDevIdentityProvider({ realmFile: join(__dirname, '../../../deploy/keycloak/realm-crm.json'), port: 0 });
  });
  afterAll(() => idp.close());

  it('accepts a password-grant token of crm-cli and reads the user and roles', async () => {
    const verifier = new KeycloakConnectTokenVerifier({
      authUrl: idp.url,
      realm: 'crm',
      clientId: 'crm-api',
      audience: 'crm-api',
      allowedClients: ['crm-cli', 'crm-web'],
    });
    const { access_token } = await fetchPasswordGrantToken({ authUrl: idp.url, username: 'supervisor', password: 'supervisor' });
    const user = await verifier.verify(access_token);
    expect(user).toMatchObject({ username: 'supervisor', roles: ['supervisor'], clientId: 'crm-cli', token: access_token });
    expect(user.id).toEqual(expect.any(String));
    expect(user.expiresAt.getTime()).toBeGreaterThan(Date.now());
  });
});
