import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadIdentityDevConfig, resolveRealmFile } from './config';

describe('identity-dev config', () => {
  it('defaults to Keycloak’s port, the realm export in deploy/ and 5-minute tokens', () => {
    expect(loadIdentityDevConfig({})).toMatchObject({
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: 8080,
      REALM_FILE: 'deploy/keycloak/realm-crm.json',
      ACCESS_TOKEN_TTL_SECONDS: 300,
    });
  });

  it('rejects a nonsense token lifetime at boot', () => {
    expect(() => loadIdentityDevConfig({ ACCESS_TOKEN_TTL_SECONDS: 'soon' })).toThrow(/ACCESS_TOKEN_TTL_SECONDS/);
  });

  it('finds the realm export from the repository root when started elsewhere', () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'idp-cwd-'));
    const found = resolveRealmFile('deploy/keycloak/realm-crm.json', elsewhere, __dirname);
    expect(found).toBe(join(__dirname, '../../../deploy/keycloak/realm-crm.json'));
  });
});
