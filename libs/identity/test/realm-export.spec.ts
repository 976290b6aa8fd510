import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROLES } from '@crm/contracts';
import { effectiveRealmRoles, loadRealmExport, realmDirectoryUsers, RealmErrorCode } from '../src';
import { DEMO_USER_IDS, REALM_FILE } from './support/realm-file';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('realm export deploy/keycloak/realm-crm.json', () => {
  const realm = loadRealmExport(REALM_FILE);

  it('is realm crm, enabled, with the four CRM realm roles', () => {
    expect(realm.realm).toBe('crm');
    expect(realm.enabled).toBe(true);
    expect(realm.roles.realm.map((r) => r.name)).toEqual(expect.arrayContaining([...ROLES]));
  });

  it('holds the demo users of the contract, password = user name, with stable UUIDs', () => {
    const people = realm.users.filter((u) => !u.serviceAccountClientId);
    expect(people.map((u) => u.username).sort()).toEqual(['admin', 'executive', 'manager1', 'manager2', 'manager3', 'supervisor']);
    for (const user of people) {
      expect(user.id).toMatch(UUID);
      expect(user.credentials).toEqual([{ type: 'password', value: user.username, temporary: false }]);
      expect(user.firstName && user.lastName && user.email).toBeTruthy();
    }
    expect(realm.users.find((u) => u.username === 'manager3')?.enabled).toBe(false);
  });

  it('defines crm-cli (password grant only), crm-web (code + PKCE S256), crm-api (bearer-only), crm-gateway (service account)', () => {
    const client = (id: string) => realm.clients.find((c) => c.clientId === id)!;
    expect(client('crm-cli')).toMatchObject({ publicClient: true, directAccessGrantsEnabled: true, standardFlowEnabled: false });
    expect(client('crm-web')).toMatchObject({
      publicClient: true,
      standardFlowEnabled: true,
      redirectUris: ['http://localhost:3000/*', 'http://localhost:5173/*'],
      attributes: expect.objectContaining({ 'pkce.code.challenge.method': 'S256' }),
    });
    expect(client('crm-api')).toMatchObject({ bearerOnly: true });
    expect(client('crm-gateway')).toMatchObject({ publicClient: false, serviceAccountsEnabled: true });
    for (const id of ['crm-cli', 'crm-web']) {
      expect(client(id).protocolMappers).toContainEqual(
        expect.objectContaining({ protocolMapper: 'oidc-audience-mapper', config: expect.objectContaining({ 'included.client.audience': 'crm-api' }) }),
      );
    }
    const serviceAccount = realm.users.find((u) => u.serviceAccountClientId === 'crm-gateway');
    expect(serviceAccount?.clientRoles?.['realm-management']).toEqual(expect.arrayContaining(['view-users', 'query-users']));
  });

  it('expands composite roles the way Keycloak fills realm_access.roles', () => {
    const manager1 = realm.users.find((u) => u.username === 'manager1')!;
    expect(effectiveRealmRoles(realm, manager1).sort()).toEqual(['default-roles-crm', 'manager', 'offline_access', 'uma_authorization']);
  });

  it('gives directory users with CRM roles only and no service accounts', () => {
    const users = realmDirectoryUsers(realm);
    expect(users).toHaveLength(6);
    expect(users.find((u) => u.id === DEMO_USER_IDS.manager1)).toEqual({
      id: DEMO_USER_IDS.manager1,
      username: 'manager1',
      name: 'Maria Manager',
      email: 'manager1@crm.example.com',
      enabled: true,
      roles: ['manager'],
    });
  });

  it('rejects a missing file and a malformed export with coded errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'realm-'));
    expect(() => loadRealmExport(join(dir, 'absent.json'))).toThrow(expect.objectContaining({ code: RealmErrorCode.FileUnreadable }));
    writeFileSync(join(dir, 'bad.json'), '{"realm": 42}');
    expect(() => loadRealmExport(join(dir, 'bad.json'))).toThrow(expect.objectContaining({ code: RealmErrorCode.Invalid }));
    writeFileSync(join(dir, 'text.json'), 'not json');
    expect(() => loadRealmExport(join(dir, 'text.json'))).toThrow(expect.objectContaining({ code: RealmErrorCode.Invalid }));
  });
});
