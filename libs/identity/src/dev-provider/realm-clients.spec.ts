import { loadRealmExport } from '../realm/load-realm-export';
import { audiencesOf, redirectUriMatches, toOidcClients, webOriginsOf } from './realm-clients';
import { join } from 'node:path';

const realm = loadRealmExport(join(__dirname, '../../../../deploy/keycloak/realm-crm.json'));
const client = (id: string) => realm.clients.find((c) => c.clientId === id)!;

describe('realm clients as OAuth clients', () => {
  it('matches Keycloak wildcard redirect URIs by prefix and others exactly', () => {
    const allowed = ['http://localhost:5173/*', 'http://localhost:4000/cb'];
    expect(redirectUriMatches(allowed, 'http://localhost:5173/any/path?x=1')).toBe(true);
    expect(redirectUriMatches(allowed, 'http://localhost:4000/cb')).toBe(true);
    expect(redirectUriMatches(allowed, 'http://localhost:4000/cb/other')).toBe(false);
    expect(redirectUriMatches(allowed, 'http://localhost:5174/')).toBe(false);
  });

  it('reads the audience mappers and web origins', () => {
    expect(audiencesOf(client('crm-cli'))).toEqual(['crm-api']);
    expect(audiencesOf(client('crm-api'))).toEqual([]);
    expect(webOriginsOf({ ...client('crm-web'), webOrigins: ['+'] })).toEqual(['http://localhost:3000', 'http://localhost:5173']);
  });

  it('gives each client the grants its realm flags allow, and leaves bearer-only crm-api out', () => {
    const clients = Object.fromEntries(toOidcClients(realm).map((c) => [c.client_id, c]));
    expect(Object.keys(clients).sort()).toEqual(['crm-cli', 'crm-gateway', 'crm-web']);
    expect(clients['crm-cli']).toMatchObject({ token_endpoint_auth_method: 'none', grant_types: ['password', 'refresh_token'], response_types: [] });
    expect(clients['crm-web']).toMatchObject({ grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'] });
    expect(clients['crm-gateway']).toMatchObject({ token_endpoint_auth_method: 'client_secret_post', grant_types: ['client_credentials'] });
  });
});
