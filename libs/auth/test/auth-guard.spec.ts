import {
  type ArgumentsHost,
  Catch,
  Controller,
  type ExceptionFilter,
  type ExecutionContext,
  Get,
  Inject,
  Injectable,
  Module,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { FastifyReply } from 'fastify';
import { STATUS_BY_KIND } from '@crm/contracts';
import { AuthError, AuthGuard, type AuthenticatedUser, AuthModule, type AuthModuleWiring, AUTH_MODULE_OPTIONS, type AuthModuleOptions, CurrentUser, Public, Roles, TokenVerifier } from '../src';
import { FakeRealm, newSigningKey, type SigningKey } from './support/fake-realm';

/** Stands in for service-kit's problem+json filter: status from the error kind, and the code. */
@Catch(AuthError)
class AuthErrorFilter implements ExceptionFilter {
  catch(error: AuthError, host: ArgumentsHost): void {
    void host.switchToHttp().getResponse<FastifyReply>().status(STATUS_BY_KIND[error.kind]).send({ code: error.code });
  }
}

@Controller()
class ProbeController {
  @Public()
  @Get('health')
  health() {
    return { status: 'up' };
  }

  @Get('me')
  me(@CurrentUser() user: AuthenticatedUser) {
    return { id: user.id, username: user.username, roles: user.roles, clientId: user.clientId };
  }

  @Roles('supervisor')
  @Get('supervisors-only')
  supervisorsOnly() {
    return { ok: true };
  }

  @Public()
  @Get('public-with-user')
  publicWithUser(@CurrentUser() user: AuthenticatedUser) {
    return { id: user.id };
  }
}

@Roles('manager', 'supervisor')
@Controller('opportunities')
class OpportunitiesController {
  @Get()
  list(@CurrentUser() user: AuthenticatedUser) {
    return { for: user.username };
  }

  @Roles('admin')
  @Get('admin')
  admin() {
    return { ok: true };
  }
}

async function startApp(
  authUrl: string,
  configure?: (builder: ReturnType<typeof Test.createTestingModule>) => void,
  wiring?: AuthModuleWiring,
) {
  @Module({
    imports: [AuthModule.forRoot({ authUrl, realm: 'crm', clientId: 'crm-api', audience: 'crm-api' }, wiring)],
    controllers: [ProbeController, OpportunitiesController],
  })
  class AppModule {}
  const builder = Test.createTestingModule({ imports: [AppModule] });
  configure?.(builder);
  const app = (await builder.compile()).createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
  app.useGlobalFilters(new AuthErrorFilter());
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

describe('AuthGuard on the Fastify adapter', () => {
  let realm: FakeRealm;
  let key: SigningKey;
  let app: NestFastifyApplication;

  const get = (url: string, authorization?: string) =>
    app.inject({ method: 'GET', url, headers: authorization ? { authorization } : {} });
  const bearer = async (claims: Record<string, unknown> = {}) => `Bearer ${await realm.token(key, claims)}`;
  const as = (...roles: string[]) => bearer({ realm_access: { roles } });

  beforeAll(async () => {
    key = await newSigningKey('guard-key');
    realm = await FakeRealm.start();
    realm.publish(key);
    app = await startApp(realm.authUrl);
  });

  afterAll(async () => {
    await app?.close();
    await realm?.close();
  });

  it('answers 401 AUTH.TOKEN_MISSING without a token', async () => {
    const response = await get('/me');
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ code: 'AUTH.TOKEN_MISSING' });
  });

  it.each([
    ['a garbage token', 'Bearer not.a.token'],
    ['another scheme', 'Basic bWFuYWdlcjE6bWFuYWdlcjE='],
    ['a scheme without token', 'Bearer'],
  ])('answers 401 AUTH.TOKEN_INVALID for %s', async (_case, authorization) => {
    const response = await get('/me', authorization);
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ code: 'AUTH.TOKEN_INVALID' });
  });

  it('answers 401 AUTH.TOKEN_EXPIRED for an expired token', async () => {
    const response = await get('/me', await bearer({ exp: Math.floor(Date.now() / 1000) - 1 }));
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ code: 'AUTH.TOKEN_EXPIRED' });
  });

  it('answers 401 for a token for another audience (configured in forRoot)', async () => {
    const response = await get('/me', await bearer({ aud: 'account' }));
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ code: 'AUTH.TOKEN_INVALID' });
  });

  it('gives the handler the current user', async () => {
    const response = await get('/me', await as('manager'));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ id: 'f1d2c3b4-0000-4000-8000-000000000001', username: 'manager1', roles: ['manager'], clientId: 'crm-cli' });
  });

  it('accepts the scheme in any case', async () => {
    const token = await realm.token(key);
    expect((await get('/me', `bearer ${token}`)).statusCode).toBe(200);
  });

  it('answers 403 AUTH.FORBIDDEN for a valid token without the role, 200 with it', async () => {
    const forbidden = await get('/supervisors-only', await as('manager'));
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json()).toEqual({ code: 'AUTH.FORBIDDEN' });
    expect((await get('/supervisors-only', await as('supervisor'))).statusCode).toBe(200);
    expect((await get('/supervisors-only', await as('executive', 'supervisor'))).statusCode).toBe(200);
  });

  it('applies class roles (any one of them) unless the handler names its own', async () => {
    expect((await get('/opportunities', await as('manager'))).json()).toEqual({ for: 'manager1' });
    expect((await get('/opportunities', await as('supervisor'))).statusCode).toBe(200);
    expect((await get('/opportunities', await as('executive'))).statusCode).toBe(403);
    expect((await get('/opportunities', await as())).statusCode).toBe(403);
    expect((await get('/opportunities/admin', await as('manager'))).statusCode).toBe(403);
    expect((await get('/opportunities/admin', await as('admin'))).statusCode).toBe(200);
  });

  it('leaves @Public() routes open, even with a bad token', async () => {
    expect((await get('/health')).json()).toEqual({ status: 'up' });
    expect((await get('/health', 'Bearer garbage')).statusCode).toBe(200);
  });

  it('answers 401 when a @Public() route asks for the current user', async () => {
    const response = await get('/public-with-user');
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ code: 'AUTH.TOKEN_MISSING' });
  });
});

describe('AuthModule', () => {
  const stubUser: AuthenticatedUser = {
    id: 'u-1',
    username: 'stub',
    name: 'Stub',
    roles: ['admin'],
    clientId: 'crm-cli',
    token: 'opaque',
    expiresAt: new Date(Date.now() + 60_000),
  };

  @Injectable()
  class StubVerifier extends TokenVerifier {
    constructor(@Inject(AUTH_MODULE_OPTIONS) readonly options: AuthModuleOptions) {
      super();
    }

    async verify(accessToken: string): Promise<AuthenticatedUser> {
      if (accessToken !== 'opaque') throw AuthError.invalid('unknown');
      return { ...stubUser, clientId: this.options.clientId };
    }
  }

  const authorized = (token: string) => ({ authorization: `Bearer ${token}` });

  // No identity provider at all (port 1): the Keycloak verifier must never be used.
  it.each([
    ['with forRoot wiring', (app: typeof startApp) => app('http://127.0.0.1:1', undefined, { verifier: StubVerifier })],
    ['with overrideProvider in tests', (app: typeof startApp) => app('http://127.0.0.1:1', (b) => b.overrideProvider(TokenVerifier).useClass(StubVerifier))],
  ])('lets the verifier be swapped %s', async (_case, start) => {
    const app = await start(startApp);
    try {
      const ok = await app.inject({ method: 'GET', url: '/me', headers: authorized('opaque') });
      expect(ok.json()).toEqual({ id: 'u-1', username: 'stub', roles: ['admin'], clientId: 'crm-api' });
      expect((await app.inject({ method: 'GET', url: '/opportunities/admin', headers: authorized('opaque') })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/me', headers: authorized('other') })).statusCode).toBe(401);
    } finally {
      await app.close();
    }
  });

  it('skips non-HTTP contexts (message and RPC handlers carry no user token)', async () => {
    let verified = 0;
    const verifier = new (class extends TokenVerifier {
      async verify(): Promise<AuthenticatedUser> {
        verified += 1;
        throw AuthError.invalid('unexpected');
      }
    })();
    const guard = new AuthGuard(new Reflector(), verifier);
    const rpcContext = { getType: () => 'rpc' } as unknown as ExecutionContext;
    await expect(guard.canActivate(rpcContext)).resolves.toBe(true);
    expect(verified).toBe(0);
  });
});
