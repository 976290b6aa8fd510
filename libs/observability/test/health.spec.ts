import { Injectable, Module, SetMetadata } from '@nestjs/common';
import { NestFactory, Reflector } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { HealthController, HealthModule, HealthRegistry, JsonLogger, ObservabilityModule, ShutdownCoordinator } from '../src';
import { captureStdout, createObservedApp } from './fixtures/observed-app';

describe('health probes', () => {
  let stdout: ReturnType<typeof captureStdout>;
  let app: NestFastifyApplication | undefined;
  let databaseUp = true;

  beforeEach(() => {
    stdout = captureStdout();
    databaseUp = true;
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    stdout.restore();
  });

  const indicators = () => [
    {
      name: 'database',
      check: async () => {
        if (!databaseUp) throw new Error('connection refused');
        return { driver: 'postgresql' };
      },
    },
    { name: 'broker', check: async () => undefined },
  ];

  it('answers liveness with 200 without a token', async () => {
    app = await createObservedApp({ indicators: indicators() });
    const response = await app.inject({ method: 'GET', url: '/health/live' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok', info: {}, error: {}, details: {} });
    expect(response.headers['cache-control']).toBe('no-cache, no-store, must-revalidate');
  });

  it('is ready while every check passes, and 503 with the failing check once one fails', async () => {
    app = await createObservedApp({ indicators: indicators() });

    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({
      status: 'ok',
      info: { database: { status: 'up', driver: 'postgresql' }, broker: { status: 'up' } },
      error: {},
    });

    databaseUp = false;
    const notReady = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(notReady.statusCode).toBe(503);
    expect(notReady.json()).toMatchObject({
      status: 'error',
      info: { broker: { status: 'up' } },
      error: { database: { status: 'down', message: 'connection refused' } },
    });
    const failureLine = stdout.records().find((r) => r.level === 'error');
    expect(String(failureLine?.msg)).toContain('Health Check has failed!');
    // Liveness is about the process, not its dependencies.
    expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);

    databaseUp = true;
    expect((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);
  });

  it('counts a check that hangs as down after the timeout', async () => {
    app = await createObservedApp({ indicators: [{ name: 'slow', check: () => new Promise<void>(() => undefined), timeoutMs: 50 }] });
    const response = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(response.statusCode).toBe(503);
    expect(response.json().error.slow).toMatchObject({ status: 'down', message: 'timeout of 50ms exceeded' });
  });

  it('fails readiness and liveness as soon as shutdown begins, while drainers still run', async () => {
    app = await createObservedApp({ indicators: indicators() });
    const running = app;
    const seenDuringDrain: number[] = [];
    running.get(ShutdownCoordinator).registerDrainer('probe while draining', async () => {
      seenDuringDrain.push((await running.inject({ method: 'GET', url: '/health/ready' })).statusCode);
      const live = await running.inject({ method: 'GET', url: '/health/live' });
      seenDuringDrain.push(live.statusCode);
      expect(live.json()).toEqual({ status: 'shutting_down', info: {}, error: {}, details: {} });
    });

    expect((await running.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);
    await running.close();
    app = undefined;
    expect(seenDuringDrain).toEqual([503, 503]);
  });

  it('takes checks that need injected providers (forRootAsync) and from other modules through HealthRegistry', async () => {
    @Injectable()
    class FakeDatabase {
      up = false;
      async ping() {
        if (!this.up) throw new Error('not connected');
      }
    }
    @Module({ providers: [FakeDatabase], exports: [FakeDatabase] })
    class DatabaseModule {}
    @Injectable()
    class BrokerHealth {
      constructor(registry: HealthRegistry) {
        registry.register({ name: 'broker', check: async () => ({ channel: 'open' }) });
      }
    }
    @Module({
      imports: [
        ObservabilityModule.forRoot({ serviceName: 'async-health', logLevel: 'error' }),
        HealthModule.forRootAsync({
          imports: [DatabaseModule],
          inject: [FakeDatabase],
          useFactory: (database: FakeDatabase) => ({ indicators: [{ name: 'database', check: () => database.ping() }] }),
          decorators: [SetMetadata('docs:tag', 'health')],
        }),
        DatabaseModule,
      ],
      providers: [BrokerHealth],
    })
    class AsyncHealthModule {}

    app = await NestFactory.create<NestFastifyApplication>(AsyncHealthModule, new FastifyAdapter(), { bufferLogs: true });
    app.useLogger(app.get(JsonLogger));
    await app.init();
    await app.getHttpAdapter().getInstance().ready();

    const down = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({ error: { database: { status: 'down', message: 'not connected' } }, info: { broker: { status: 'up', channel: 'open' } } });
    app.get(FakeDatabase).up = true;
    expect((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);

    const reflector = app.get(Reflector);
    expect(reflector.get('crm:public', HealthController)).toBe(true);
    // The decorated controller is a subclass: the exported class stays untouched.
    expect(reflector.get('docs:tag', HealthController)).toBeUndefined();
  });
});
