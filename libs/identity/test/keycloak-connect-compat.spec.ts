import Keycloak from 'keycloak-connect';
import { type DevIdentityProvider, fetchPasswordGrantToken, startDevIdentityProvider } from '../src/dev-provider';
import { REALM_FILE } from './support/realm-file';

// The services verify tokens with keycloak-connect (bearer-only): the dev provider's tokens must
// pass its checks exactly as real Keycloak tokens do (certs path, RS256 + kid, iss, typ Bearer).
describe('dev identity provider tokens in keycloak-connect', () => {
  let idp: DevIdentityProvider;

  beforeAll(async () => {
    idp = await startDevIdentityProvider({ realmFile: REALM_FILE, port: 0 });
  });
  afterAll(() => idp.close());

  it('are accepted with their realm roles, and a token from another issuer is not', async () => {
    const keycloak = new Keycloak({}, {
      realm: 'crm',
      'auth-server-url': idp.url,
      resource: 'crm-api',
      'bearer-only': true,
      'ssl-required': 'none',
      'confidential-port': 0,
    } as never);
    const { access_token } = await fetchPasswordGrantToken({ authUrl: idp.url, username: 'supervisor', password: 'supervisor' });
    const grant = await keycloak.grantManager.createGrant({ access_token } as never);
    const token = grant.access_token as unknown as { hasRealmRole(role: string): boolean; content: Record<string, unknown> };
    expect(token.hasRealmRole('supervisor')).toBe(true);
    expect(token.hasRealmRole('admin')).toBe(false);

    const other = await startDevIdentityProvider({ realmFile: REALM_FILE, port: 0 });
    try {
      const foreign = await fetchPasswordGrantToken({ authUrl: other.url, username: 'admin', password: 'admin' });
      await expect(keycloak.grantManager.createGrant({ access_token: foreign.access_token } as never)).rejects.toBeDefined();
    } finally {
      await other.close();
    }
  });
});
