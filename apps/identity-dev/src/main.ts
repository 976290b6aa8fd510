/**
 * identity-dev: a stand-in for Keycloak (realm `crm` at Keycloak's paths) for development, the
 * embedded default set-up and tests. Production NEVER runs it: production uses a real Keycloak
 * that imports the same deploy/keycloak/realm-crm.json (without the demo users).
 */
import { startDevIdentityProvider } from '@crm/identity/dev-provider';
import { loadIdentityDevConfig, resolveRealmFile } from './config';

function log(level: 'info' | 'error', msg: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ time: new Date().toISOString(), level, service: 'identity-dev', msg, ...fields });
  (level === 'error' ? process.stderr : process.stdout).write(`${line}\n`);
}

async function main(): Promise<void> {
  const config = loadIdentityDevConfig();
  const realmFile = resolveRealmFile(config.REALM_FILE);
  const idp = await startDevIdentityProvider({
    realmFile,
    host: config.HTTP_HOST,
    port: config.HTTP_PORT,
    publicUrl: config.PUBLIC_URL,
    accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    keyFile: config.SIGNING_KEY_FILE,
    onError: (error) => log('error', 'identity provider error', { error: error instanceof Error ? error.message : String(error) }),
  });
  log('info', 'identity-dev listening', { url: idp.url, issuer: idp.issuer, realmFile });

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    idp.close().then(
      () => {
        log('info', 'identity-dev stopped', { signal });
        process.exit(0);
      },
      (error: unknown) => {
        log('error', 'identity-dev failed to stop cleanly', { signal, error: String(error) });
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  log('error', 'identity-dev failed to start', { error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
