import { createPublicKey } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Provider } from 'oidc-provider';
import { loadRealmExport } from '../realm/load-realm-export';
import { AccessTokenVerifier } from './access-token-verifier';
import { createProvider } from './create-provider';
import { readForm, sendJson } from './http-helpers';
import { handleLoginAction } from './login-page';
import { handleRefreshTokenLogout, hasRefreshTokenLogout } from './logout-endpoint';
import { OIDC_PATHS, type ProviderSetup } from './provider-setup';
import { RealmAccounts } from './realm-accounts';
import { loadOrGenerateSigningKey, type SigningJwk } from './signing-key';
import { handleUserinfo } from './userinfo-endpoint';

export interface DevIdentityProviderOptions {
  /** Keycloak realm export (deploy/keycloak/realm-crm.json). */
  realmFile: string;
  host?: string;
  /** 0 = a free port. */
  port?: number;
  /** Base URL clients see (AUTH_URL), when it differs from the listening address (proxy, container). */
  publicUrl?: string;
  accessTokenTtlSeconds?: number;
  /** PEM or JWK private RSA key; without it a key is generated at start and lives in memory. */
  keyFile?: string;
  /** Unexpected errors inside the provider (a library never writes to the console). */
  onError?: (error: unknown) => void;
}

export interface DevIdentityProvider {
  /** Base URL like AUTH_URL, e.g. http://127.0.0.1:8080 (no /realms/…). */
  url: string;
  /** `{url}/realms/{realm}`: the `iss` of every token. */
  issuer: string;
  /** Where the socket really listens (differs from `url` when publicUrl is set). */
  listenUrl: string;
  close(): Promise<void>;
}

/**
 * A stand-in for Keycloak in development and tests: realm `crm` from the realm export, served at
 * Keycloak's paths by oidc-provider, with tokens shaped like Keycloak's. Never used in production.
 */
export async function startDevIdentityProvider(options: DevIdentityProviderOptions): Promise<DevIdentityProvider> {
  const realm = loadRealmExport(options.realmFile);
  const accounts = new RealmAccounts(realm);
  const signingKey = loadOrGenerateSigningKey(options.keyFile);
  const mountPath = `/realms/${encodeURIComponent(realm.realm)}`;
  const host = options.host ?? '127.0.0.1';
  const onError = options.onError ?? (() => undefined);

  let route: (req: IncomingMessage, res: ServerResponse) => Promise<void> = async (_req, res) => sendJson(res, 503, { status: 'starting' });
  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      onError(error);
      if (!res.headersSent) sendJson(res, 500, { error: 'server_error', error_description: 'Unexpected error' });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const { port } = server.address() as AddressInfo;
  const listenUrl = `http://${urlHost(host)}:${port}`;
  const url = (options.publicUrl ?? listenUrl).replace(/\/+$/, '');
  const issuer = `${url}${mountPath}`;
  const setup: ProviderSetup = {
    issuer,
    mountPath,
    realm,
    accounts,
    signingKey,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? realm.accessTokenLifespan ?? 300,
  };
  const provider = createProvider(setup);
  provider.on('server_error', (_ctx, error) => onError(error));
  provider.on('error', (error) => onError(error));
  const verifier = new AccessTokenVerifier(signingKey, issuer);
  const oidc = provider.callback();
  const publicBase = options.publicUrl ? new URL(url) : undefined;
  if (publicBase) provider.proxy = true;

  route = async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (publicBase) {
      // URLs in discovery and redirects follow the public base URL, like Keycloak's KC_HOSTNAME.
      req.headers['x-forwarded-host'] = publicBase.host;
      req.headers['x-forwarded-proto'] = publicBase.protocol.slice(0, -1);
    }
    if (path === '/health/live' || path === '/health/ready') return sendJson(res, 200, { status: 'ok', realm: realm.realm });
    if (path === mountPath && req.method === 'GET') return sendJson(res, 200, realmInfo(realm.realm, issuer, signingKey));
    if (path.startsWith(`${mountPath}/login-actions/`)) {
      return handleLoginAction(req, res, { provider, accounts, realmDisplayName: realm.realm });
    }
    if (path === `${mountPath}${OIDC_PATHS.userinfo}`) return handleUserinfo(req, res, { provider, verifier, accounts });
    if (path === `${mountPath}${OIDC_PATHS.end_session}` && hasRefreshTokenLogout(req)) {
      const form = await readForm(req);
      if (form.has('refresh_token')) return handleRefreshTokenLogout(res, form, { provider, realm });
      // An RP-initiated logout sent as a form: oidc-provider reads the already parsed body.
      (req as IncomingMessage & { body?: unknown }).body = Object.fromEntries(form);
    }
    if (path === mountPath || path.startsWith(`${mountPath}/`)) return mount(oidc, mountPath, req, res);
    sendJson(res, 404, { error: 'Unable to find matching target resource method' });
  };

  return {
    url,
    issuer,
    listenUrl,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** Mounts oidc-provider the way connect/express do: path without the prefix, originalUrl kept. */
function mount(
  callback: ReturnType<Provider['callback']>,
  mountPath: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const original = req.url ?? '/';
  (req as IncomingMessage & { originalUrl?: string }).originalUrl = original;
  req.url = original.slice(mountPath.length) || '/';
  if (!req.url.startsWith('/')) req.url = `/${req.url}`;
  return new Promise<void>((resolve) => {
    res.once('close', resolve);
    res.once('finish', resolve);
    callback(req, res);
  });
}

/** `GET /realms/{realm}`: Keycloak's realm info, which some adapters read for the public key. */
function realmInfo(realm: string, issuer: string, key: SigningJwk): Record<string, unknown> {
  const publicKey = createPublicKey({ key: { kty: key.kty, n: key.n, e: key.e }, format: 'jwk' });
  return {
    realm,
    public_key: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    'token-service': `${issuer}/protocol/openid-connect`,
    'account-service': `${issuer}/account`,
    'tokens-not-before': 0,
  };
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}
