import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { captureStdout, createObservedApp } from './fixtures/observed-app';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The scrape as Prometheus reads it: one sample per line, comments skipped. */
function parseScrape(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a sample line: ${line}`);
      const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
      return { name: match[1], labels, value: Number(match[3]) };
    });
}

function valueOf(samples: Sample[], name: string, labels: Record<string, string>): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

describe('GET /metrics (Prometheus)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createObservedApp({ logLevel: 'error' });
  });
  afterAll(async () => {
    await app.close();
  });

  async function scrape(): Promise<{ text: string; samples: Sample[]; contentType: string; status: number }> {
    // No authorization header: the fixture's guard would answer 403 to any guarded route.
    const response = await app.inject({ method: 'GET', url: '/metrics' });
    return { text: response.body, samples: parseScrape(response.body), contentType: String(response.headers['content-type']), status: response.statusCode };
  }

  it('counts and times requests by route pattern and status, never by raw URL', async () => {
    expect((await app.inject({ method: 'GET', url: '/things/4711' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/things/4712?verbose=1' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/no/such/path/999' })).statusCode).toBe(404);
    const stdout = captureStdout(); // the 500's error log line
    expect((await app.inject({ method: 'GET', url: '/things/broken/always' })).statusCode).toBe(500);
    stdout.restore();

    const { text, samples, contentType, status } = await scrape();
    expect(status).toBe(200);
    expect(contentType).toBe('text/plain; version=0.0.4; charset=utf-8');

    const route = { method: 'GET', route: '/things/:id' };
    expect(valueOf(samples, 'http_server_requests_total', { ...route, status: '200', service: 'observed-test' })).toBe(2);
    expect(valueOf(samples, 'http_server_request_duration_seconds_count', { ...route, status_class: '2xx' })).toBe(2);
    expect(valueOf(samples, 'http_server_request_duration_seconds_bucket', { ...route, status_class: '2xx', le: '15' })).toBe(2);
    expect(valueOf(samples, 'http_server_request_duration_seconds_sum', route)).toBeGreaterThan(0);

    expect(valueOf(samples, 'http_server_requests_total', { route: 'unmatched', status: '404' })).toBe(1);
    expect(valueOf(samples, 'http_server_requests_total', { route: '/things/broken/always', status: '500' })).toBe(1);
    expect(valueOf(samples, 'http_server_request_duration_seconds_count', { route: '/things/broken/always', status_class: '5xx' })).toBe(1);

    // Ids and unmatched paths would be a new series per value.
    expect(text).not.toMatch(/4711|4712|no\/such\/path|verbose/);
  });

  it('answers without a token, and counts scrapes and probes but keeps them out of the latency histogram', async () => {
    expect((await app.inject({ method: 'GET', url: '/secured' })).statusCode).toBe(403);
    await app.inject({ method: 'GET', url: '/health/live' });
    await scrape();

    const { samples } = await scrape();
    expect(valueOf(samples, 'http_server_requests_total', { route: '/secured', status: '403' })).toBe(1);
    expect(valueOf(samples, 'http_server_requests_total', { route: '/metrics', status: '200' })).toBeGreaterThanOrEqual(2);
    expect(valueOf(samples, 'http_server_requests_total', { route: '/health/live', status: '200' })).toBe(1);
    const histogramRoutes = new Set(samples.filter((s) => s.name.startsWith('http_server_request_duration_seconds')).map((s) => s.labels.route));
    expect(histogramRoutes).not.toContain('/metrics');
    expect(histogramRoutes).not.toContain('/health/live');
  });

  it('includes the process metrics, labelled with the service', async () => {
    const { samples } = await scrape();
    expect(valueOf(samples, 'process_cpu_user_seconds_total', { service: 'observed-test' })).toBeGreaterThan(0);
    expect(valueOf(samples, 'nodejs_eventloop_lag_seconds', { service: 'observed-test' })).toBeDefined();
  });
});
