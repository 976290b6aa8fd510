import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { initTracing, otlpSpanProcessor, withSpan } from '../src';

/** Spans leave the process over OTLP/HTTP to whatever listens at OTEL_EXPORTER_OTLP_ENDPOINT. */
describe('OTLP/HTTP span export', () => {
  let collector: Server;
  const received: { path: string; body: string }[] = [];

  beforeAll(async () => {
    collector = createServer((request: IncomingMessage, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        received.push({ path: request.url ?? '', body });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => collector.close(() => resolve())));

  it('sends finished spans with the service name to the collector', async () => {
    const { port } = collector.address() as AddressInfo;
    const tracing = initTracing({ serviceName: 'otlp-test', spanProcessors: [otlpSpanProcessor(`http://127.0.0.1:${port}`)] });
    await withSpan('opportunity.assign', { 'crm.opportunity.id': 'o-1' }, async () => undefined);
    await tracing.forceFlush();
    expect(received.map((r) => r.path)).toContain('/v1/traces');
    const body = received.map((r) => r.body).join('\n');
    expect(body).toContain('opportunity.assign');
    expect(body).toContain('otlp-test');
  });
});
