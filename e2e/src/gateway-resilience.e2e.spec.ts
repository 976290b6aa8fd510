import { request as httpRequest } from 'node:http';
import { testAmqpUrl, uniqueName } from '@crm/testing';
import { ApiClient, RunningSystem, startCrm } from './support/crm-system';

/** What the gateway does for everyone: per-user rate limits, and a service outage kept local. */
describe('gateway rate limits and service outages', () => {
  let system: RunningSystem;
  let api: ApiClient;

  beforeAll(async () => {
    system = await startCrm({
      amqpUrl: testAmqpUrl(),
      exchange: uniqueName('crm.events.gw'),
      env: { RATE_LIMIT_MAX: '5', RATE_LIMIT_WINDOW_SECONDS: '60', UPSTREAM_TIMEOUT_MS: '3000' },
    });
    api = new ApiClient(system);
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
  });

  it('answers 429 with Retry-After once a user spends the burst, without affecting other users', async () => {
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<ApiClient['call']>> | undefined;
    for (let i = 0; i < 8; i++) {
      const response = await api.call('executive', 'GET', '/me');
      statuses.push(response.status);
      if (response.status === 429) limited = response;
    }
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    expect(limited!.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(limited!.body).toMatchObject({ status: 429, code: 'GATEWAY.RATE_LIMITED' });
    expect((await api.call('admin', 'GET', '/me')).status).toBe(200);
  });

  it('refuses dot segments that would forward outside the route whose roles were checked', async () => {
    const token = await api.token('manager1');
    const gateway = new URL(system.urls.gateway);
    // fetch() would normalise the path; a raw request sends it as an attacker would.
    for (const path of ['/api/v1/opportunities/../../openapi.json', '/api/v1/opportunities/%2e%2e/%2e%2e/openapi.json']) {
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(
          { host: gateway.hostname, port: gateway.port, path, headers: { authorization: `Bearer ${token}` } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end();
      });
      expect(status).toBe(404);
    }
  });

  it('answers 503 problem+json for a service that is down, while its own routes keep working', async () => {
    const marketing = system.services.marketing.process as unknown as { kill(signal: string): void; exited: Promise<unknown> };
    marketing.kill('SIGKILL');
    await marketing.exited;
    const response = await api.call('supervisor', 'GET', '/opportunities');
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body.code).toBe('GATEWAY.UPSTREAM_UNAVAILABLE');
    expect((await api.call('supervisor', 'GET', '/users?role=manager')).status).toBe(200);
    expect((await fetch(`${system.urls.gateway}/health/ready`)).status).toBe(200);
  });
});
