import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

export async function newSigningKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

/**
 * A realm's JWKS endpoint on 127.0.0.1 (what keycloak-connect fetches from Keycloak), with the
 * keys it publishes switchable at run time and every request counted.
 */
export class FakeRealm {
  certsRequests = 0;
  private keys: JWK[] = [];
  private failing = false;

  private constructor(
    private readonly server: Server,
    readonly authUrl: string,
  ) {}

  static async start(realm = 'crm'): Promise<FakeRealm> {
    const started: { realm?: FakeRealm } = {};
    const server = createServer((request, response) => {
      if (request.url !== `/realms/${realm}/protocol/openid-connect/certs`) {
        response.writeHead(404).end();
        return;
      }
      started.realm!.certsRequests += 1;
      if (started.realm!.failing) {
        response.writeHead(503).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: started.realm!.keys }));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    started.realm = new FakeRealm(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return started.realm;
  }

  get issuer(): string {
    return `${this.authUrl}/realms/crm`;
  }

  /** Replaces the published key set, like Keycloak after adding, disabling or removing keys. */
  publish(...keys: (SigningKey | JWK)[]): void {
    this.keys = keys.map((key) => ('jwk' in key ? key.jwk : key) as JWK);
  }

  failRequests(failing: boolean): void {
    this.failing = failing;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** An access token shaped like Keycloak's for realm `crm`; `claims` and `header` override the defaults. */
  async token(
    key: SigningKey,
    claims: Record<string, unknown> = {},
    header: Record<string, unknown> = {},
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      iss: this.issuer,
      sub: 'f1d2c3b4-0000-4000-8000-000000000001',
      typ: 'Bearer',
      azp: 'crm-cli',
      aud: 'crm-api',
      iat: now,
      exp: now + 300,
      preferred_username: 'manager1',
      name: 'Manager One',
      email: 'manager1@example.com',
      realm_access: { roles: ['manager', 'default-roles-crm', 'offline_access'] },
      ...claims,
    })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid, ...header } as { alg: string })
      .sign(key.privateKey);
  }
}
