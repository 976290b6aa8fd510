import { DirectoryErrorCode, KeycloakAdminUserDirectory } from '../src';
import { FakeKeycloakAdmin } from './support/fake-keycloak-admin';
import { DEMO_USER_IDS, REALM_FILE } from './support/realm-file';

// No Keycloak can run here: these tests speak to a local server that answers with the admin REST
// API's documented shapes (see support/fake-keycloak-admin.ts), not to Keycloak itself.
describe('KeycloakAdminUserDirectory (against a local server with Keycloak admin API shapes)', () => {
  let keycloak: FakeKeycloakAdmin;

  beforeEach(async () => {
    keycloak = new FakeKeycloakAdmin(REALM_FILE);
    await keycloak.start();
  });
  afterEach(() => keycloak.stop());

  const directory = (overrides: Partial<ConstructorParameters<typeof KeycloakAdminUserDirectory>[0]> = {}) =>
    new KeycloakAdminUserDirectory({ authUrl: keycloak.url, clientId: 'crm-gateway', clientSecret: 'crm-gateway-dev-secret', ...overrides });

  it('lists the active managers through roles/{role}/users and each user’s realm role mappings', async () => {
    const users = await directory().listUsers({ role: 'manager', activeOnly: true });
    expect(users).toEqual([
      { id: DEMO_USER_IDS.manager1, username: 'manager1', name: 'Maria Manager', email: 'manager1@crm.example.com', enabled: true, roles: ['manager'] },
      { id: DEMO_USER_IDS.manager2, username: 'manager2', name: 'Mark Manager', email: 'manager2@crm.example.com', enabled: true, roles: ['manager'] },
    ]);
    expect(keycloak.requests).toContain('POST /realms/crm/protocol/openid-connect/token');
    expect(keycloak.requests).toContain('GET /admin/realms/crm/roles/manager/users?briefRepresentation=true&first=0&max=100');
    expect(keycloak.requests).toContain(`GET /admin/realms/crm/users/${DEMO_USER_IDS.manager1}/role-mappings/realm`);
  });

  it('keeps disabled users when not asked for active ones only', async () => {
    const users = await directory().listUsers({ role: 'manager' });
    expect(users.map((u) => [u.username, u.enabled])).toEqual([
      ['manager1', true],
      ['manager2', true],
      ['manager3', false],
    ]);
  });

  it('lists all active people with enabled=true, pages through results and skips service accounts', async () => {
    const users = await directory({ pageSize: 2 }).listUsers({ activeOnly: true });
    expect(users.map((u) => u.username)).toEqual(['admin', 'executive', 'manager1', 'manager2', 'supervisor']);
    expect(keycloak.requests.filter((r) => r.startsWith('GET /admin/realms/crm/users?'))).toEqual([
      'GET /admin/realms/crm/users?briefRepresentation=true&enabled=true&first=0&max=2',
      'GET /admin/realms/crm/users?briefRepresentation=true&enabled=true&first=2&max=2',
      'GET /admin/realms/crm/users?briefRepresentation=true&enabled=true&first=4&max=2',
    ]);
  });

  it('finds a user by id and answers null for an unknown id', async () => {
    const dir = directory();
    expect(await dir.findUser(DEMO_USER_IDS.admin)).toMatchObject({ username: 'admin', name: 'Alice Admin', roles: ['admin'] });
    expect(await dir.findUser('00000000-0000-0000-0000-000000000000')).toBeNull();
  });

  it('reuses its token and caches answers briefly', async () => {
    const dir = directory({ cacheTtlMs: 60_000 });
    await dir.listUsers({ role: 'admin' });
    const after = keycloak.requests.length;
    await dir.listUsers({ role: 'admin' });
    expect(keycloak.requests.length).toBe(after);
    expect(keycloak.requests.filter((r) => r.includes('openid-connect/token'))).toHaveLength(1);

    const fresh = directory({ cacheTtlMs: 0 });
    await fresh.listUsers({ role: 'admin' });
    await fresh.listUsers({ role: 'admin' });
    expect(keycloak.requests.filter((r) => r.includes('roles/admin/users'))).toHaveLength(3);
  });

  it('fetches a new token once when Keycloak no longer accepts the old one', async () => {
    const dir = directory({ cacheTtlMs: 0 });
    await dir.findUser(DEMO_USER_IDS.admin);
    keycloak.revokeTokens();
    expect(await dir.findUser(DEMO_USER_IDS.admin)).toMatchObject({ username: 'admin' });
    expect(keycloak.requests.filter((r) => r.includes('openid-connect/token'))).toHaveLength(2);
  });

  it('reports an outage, a wrong secret and an unreachable Keycloak as IDENTITY.DIRECTORY_UNAVAILABLE', async () => {
    keycloak.failWith = 503;
    await expect(directory().listUsers()).rejects.toMatchObject({ code: DirectoryErrorCode.Unavailable, kind: 'unavailable' });
    await expect(directory({ clientSecret: 'wrong' }).listUsers()).rejects.toMatchObject({ code: DirectoryErrorCode.Unavailable });
    await expect(directory({ authUrl: 'http://127.0.0.1:1', requestTimeoutMs: 1000 }).findUser('x')).rejects.toMatchObject({
      code: DirectoryErrorCode.Unavailable,
    });
  });

  it('refuses to start without a client secret', () => {
    expect(() => directory({ clientSecret: '' })).toThrow(expect.objectContaining({ code: DirectoryErrorCode.NotConfigured }));
  });
});
