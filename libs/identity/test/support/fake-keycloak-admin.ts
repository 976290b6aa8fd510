import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadRealmExport, type RealmExport, type RealmUser } from '../../src';

/**
 * A local HTTP server answering the few Keycloak admin REST API calls the directory makes, with
 * the shapes of Keycloak's admin API reference (UserRepresentation, RoleRepresentation) and its
 * client-credentials token endpoint. It is not Keycloak: it only lets the client's requests,
 * paging, auth and caching be exercised over real HTTP.
 */
export class FakeKeycloakAdmin {
  readonly requests: string[] = [];
  private server?: Server;
  private readonly tokens = new Set<string>();
  private readonly realm: RealmExport;
  url = '';
  /** Makes every admin call fail with this status (outage simulation). */
  failWith?: number;

  constructor(
    realmFile: string,
    private readonly client = { id: 'crm-gateway', secret: 'crm-gateway-dev-secret' },
  ) {
    this.realm = loadRealmExport(realmFile);
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      this.requests.push(`${req.method} ${url.pathname}${url.search}`);
      const send = (status: number, body?: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(body === undefined ? undefined : JSON.stringify(body));
      };
      if (req.method === 'POST' && url.pathname === '/realms/crm/protocol/openid-connect/token') {
        let raw = '';
        req.on('data', (c: Buffer) => (raw += c.toString()));
        req.on('end', () => {
          const form = new URLSearchParams(raw);
          if (form.get('grant_type') !== 'client_credentials' || form.get('client_id') !== this.client.id || form.get('client_secret') !== this.client.secret) {
            return send(401, { error: 'unauthorized_client', error_description: 'Invalid client or Invalid client credentials' });
          }
          const token = randomBytes(16).toString('hex');
          this.tokens.add(token);
          send(200, { access_token: token, expires_in: 300, token_type: 'Bearer', 'not-before-policy': 0, scope: 'profile email' });
        });
        return;
      }
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!bearer || !this.tokens.has(bearer)) return send(401, { error: 'HTTP 401 Unauthorized' });
      if (this.failWith) return send(this.failWith, { error: 'unknown_error' });
      this.route(url, send);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Invalidates issued tokens, as a Keycloak restart or revocation would. */
  revokeTokens(): void {
    this.tokens.clear();
  }

  private route(url: URL, send: (status: number, body?: unknown) => void): void {
    const path = url.pathname;
    const first = Number(url.searchParams.get('first') ?? 0);
    const max = Number(url.searchParams.get('max') ?? 100);
    const brief = url.searchParams.get('briefRepresentation') === 'true';
    const page = (users: RealmUser[]) => users.slice(first, first + max).map((u) => this.representation(u, brief));

    let m: RegExpExecArray | null;
    if ((m = /^\/admin\/realms\/crm\/roles\/([^/]+)\/users$/.exec(path))) {
      const role = decodeURIComponent(m[1]);
      if (!this.realm.roles.realm.some((r) => r.name === role)) return send(404, { error: 'Could not find role' });
      return send(200, page(this.realm.users.filter((u) => u.realmRoles.includes(role))));
    }
    if (path === '/admin/realms/crm/users') {
      const enabled = url.searchParams.get('enabled');
      // Keycloak leaves service-account users out of user searches.
      let users = this.realm.users.filter((u) => !u.serviceAccountClientId);
      if (enabled !== null) users = users.filter((u) => u.enabled === (enabled === 'true'));
      return send(200, page(users));
    }
    if ((m = /^\/admin\/realms\/crm\/users\/([^/]+)\/role-mappings\/realm$/.exec(path))) {
      const user = this.realm.users.find((u) => u.id === decodeURIComponent(m![1]));
      if (!user) return send(404, { error: 'User not found' });
      return send(
        200,
        user.realmRoles.map((name) => ({ id: `role-${name}`, name, composite: name.startsWith('default-roles'), clientRole: false, containerId: 'crm' })),
      );
    }
    if ((m = /^\/admin\/realms\/crm\/users\/([^/]+)$/.exec(path))) {
      const user = this.realm.users.find((u) => u.id === decodeURIComponent(m![1]));
      return user ? send(200, this.representation(user, false)) : send(404, { error: 'User not found' });
    }
    send(404, { error: 'Unable to find matching target resource method' });
  }

  private representation(user: RealmUser, brief: boolean): Record<string, unknown> {
    const base = {
      id: user.id,
      username: user.username,
      firstName: user.firstName,
      lastName: user.lastName,
      email: user.email,
      emailVerified: user.emailVerified ?? false,
      enabled: user.enabled,
      createdTimestamp: 1735689600000,
      ...(user.serviceAccountClientId ? { serviceAccountClientId: user.serviceAccountClientId } : {}),
    };
    return brief ? base : { ...base, totp: false, disableableCredentialTypes: [], requiredActions: [], notBefore: 0, access: { manage: false } };
  }
}
