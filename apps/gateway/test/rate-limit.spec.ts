import { once } from 'node:events';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { testRedisUrl, uniqueName } from '@crm/testing';
import { GatewayUnderTest, startGateway } from './support/gateway';

/** A service that answers every request at once. */
async function startService(): Promise<{ server: Server; url: string }> {
  const server = createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end('{"items":[]}'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function statuses(url: string, user: string, count: number): Promise<number[]> {
  const seen: number[] = [];
  for (let i = 0; i < count; i++) {
    const response = await fetch(url, { headers: { authorization: `Bearer ${user}` } });
    await response.arrayBuffer();
    seen.push(response.status);
  }
  return seen;
}

/** Two gateway replicas, as Kubernetes runs them: does a user's limit hold across both? */
describe('gateway rate limit across replicas', () => {
  let service: { server: Server; url: string };
  const gateways: GatewayUnderTest[] = [];

  beforeAll(async () => {
    service = await startService();
  });
  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => gateway.app.close()));
    service.server.close();
  });

  async function replicas(env: Record<string, string>): Promise<[GatewayUnderTest, GatewayUnderTest]> {
    const pair = await Promise.all([0, 1].map(() => startGateway({ MARKETING_URL: service.url, RATE_LIMIT_MAX: '5', RATE_LIMIT_WINDOW_SECONDS: '60', ...env })));
    gateways.push(...pair);
    return pair as [GatewayUnderTest, GatewayUnderTest];
  }

  it('with REDIS_URL, counts a user once over every replica: the sixth request is refused wherever it lands', async () => {
    const [a, b] = await replicas({ REDIS_URL: testRedisUrl() });
    const user = `supervisor,${uniqueName('u')}`; // a fresh user: counters from earlier runs don't apply
    expect(await statuses(a.url, user, 3)).toEqual([200, 200, 200]);
    expect(await statuses(b.url, user, 2)).toEqual([200, 200]);
    const refused = await fetch(b.url, { headers: { authorization: `Bearer ${user}` } });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(await refused.json()).toMatchObject({ status: 429, code: 'GATEWAY.RATE_LIMITED' });
    expect(await statuses(a.url, user, 1)).toEqual([429]);
    // Another user is not affected.
    expect(await statuses(a.url, `supervisor,${uniqueName('v')}`, 1)).toEqual([200]);
  });

  it('without REDIS_URL (the embedded default), each replica counts in its own memory', async () => {
    const [a, b] = await replicas({});
    const user = `supervisor,${uniqueName('u')}`;
    expect(await statuses(a.url, user, 6)).toEqual([200, 200, 200, 200, 200, 429]);
    expect(await statuses(b.url, user, 5)).toEqual([200, 200, 200, 200, 200]);
  });

  it('lets requests through, without waiting, while Redis does not answer', async () => {
    const closed = createServer().listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    const [a] = await replicas({ REDIS_URL: `redis://127.0.0.1:${port}` });
    const started = Date.now();
    expect(await statuses(a.url, 'supervisor', 7)).toEqual([200, 200, 200, 200, 200, 200, 200]);
    console.log(`[gateway] 7 requests with the rate-limit store unreachable took ${Date.now() - started} ms`);
  });
});
