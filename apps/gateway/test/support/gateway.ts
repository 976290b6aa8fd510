import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { AuthenticatedUser, TokenVerifier } from '@crm/auth';
import { isRole } from '@crm/contracts';
import { configureHttp, createFastifyAdapter } from '@crm/service-kit/http';
import { AppModule } from '../../src/app.module';
import { gatewayConfig } from '../../src/config/gateway.config';

/**
 * The token names the user and is the role list: `supervisor` or `supervisor,alice` is user
 * `supervisor,alice` with role supervisor. Enough to test the gateway without an identity provider.
 */
class RoleTokenVerifier extends TokenVerifier {
  async verify(token: string): Promise<AuthenticatedUser> {
    const roles = token.split(',').filter(isRole);
    return { id: token, username: token, name: token, roles, clientId: 'crm-cli', token, expiresAt: new Date(Date.now() + 60_000) };
  }
}

export interface GatewayUnderTest {
  app: NestFastifyApplication;
  /** The gateway's base URL for opportunities (routed to MARKETING_URL). */
  url: string;
}

/** A real gateway (the app module) whose tokens are role lists, initialised for `app.inject`. */
export async function createGateway(env: Record<string, string>): Promise<NestFastifyApplication> {
  const config = gatewayConfig({ LOG_LEVEL: 'error', REALM_FILE: 'deploy/keycloak/realm-crm.json', RATE_LIMIT_MAX: '10000', ...env });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.register(config)] })
    .overrideProvider(TokenVerifier)
    .useClass(RoleTokenVerifier)
    .compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createFastifyAdapter(), { logger: false });
  configureHttp(app);
  return app;
}

/** The same, listening on a free port. */
export async function startGateway(env: Record<string, string>): Promise<GatewayUnderTest> {
  const app = await createGateway(env);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.getHttpAdapter().getInstance().server.address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}/api/v1/opportunities` };
}
