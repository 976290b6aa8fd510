import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { initTracing } from '../src';
import { captureStdout, createObservedApp } from './fixtures/observed-app';

const exporter = new InMemorySpanExporter();
initTracing({ serviceName: 'observed-test', spanProcessors: [new SimpleSpanProcessor(exporter)] });

const REMOTE_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const REMOTE_SPAN_ID = '00f067aa0ba902b7';

describe('HTTP correlation, JSON logs and server spans', () => {
  let app: NestFastifyApplication;
  let stdout: ReturnType<typeof captureStdout>;

  beforeAll(async () => {
    app = await createObservedApp();
  });
  afterAll(async () => {
    await app.close();
  });
  beforeEach(() => {
    exporter.reset();
    stdout = captureStdout();
  });
  afterEach(() => stdout.restore());

  it('writes every log line as JSON carrying the correlation id the caller sent, and echoes it', async () => {
    const response = await app.inject({ method: 'GET', url: '/things/42', headers: { 'x-correlation-id': 'corr-abc-123' } });
    stdout.restore();

    expect(response.statusCode).toBe(200);
    expect(response.headers['x-correlation-id']).toBe('corr-abc-123');
    expect(response.json().correlationId).toBe('corr-abc-123');
    const records = stdout.records(); // throws if any line is not JSON
    const line = records.find((r) => r.msg === 'fetching thing');
    expect(line).toMatchObject({
      level: 'info',
      service: 'observed-test',
      context: 'ThingsController',
      correlationId: 'corr-abc-123',
      thingId: '42',
    });
    expect(new Date(line!.time as string).toISOString()).toBe(line!.time);
    expect(line!.traceId).toBe(response.json().traceId);
    expect(line!.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(records.find((r) => r.msg === 'request completed')).toMatchObject({
      correlationId: 'corr-abc-123',
      method: 'GET',
      route: '/things/:id',
      statusCode: 200,
    });
  });

  it('accepts x-request-id when no correlation id is sent', async () => {
    const response = await app.inject({ method: 'GET', url: '/things/1', headers: { 'x-request-id': 'req-77' } });
    expect(response.headers['x-correlation-id']).toBe('req-77');
  });

  it('makes a correlation id when none (or a malformed one) is sent', async () => {
    const first = await app.inject({ method: 'GET', url: '/things/1' });
    const second = await app.inject({ method: 'GET', url: '/things/1', headers: { 'x-correlation-id': 'bad id\n{"level":"error"}' } });
    stdout.restore();

    const generated = first.headers['x-correlation-id'] as string;
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.headers['x-correlation-id']).not.toBe(generated);
    expect(stdout.records().filter((r) => r.msg === 'fetching thing').map((r) => r.correlationId)).toEqual([
      generated,
      second.headers['x-correlation-id'],
    ]);
  });

  it('keeps the context across body parsing', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/things',
      headers: { 'x-correlation-id': 'post-1', 'content-type': 'application/json' },
      payload: { name: 'widget' },
    });
    stdout.restore();
    expect(response.statusCode).toBe(201);
    expect(response.json().correlationId).toBe('post-1');
    expect(stdout.records().find((r) => r.msg === 'creating thing')).toMatchObject({ correlationId: 'post-1', name: 'widget' });
  });

  it('records a SERVER span named after the route pattern with the HTTP attributes', async () => {
    await app.inject({ method: 'GET', url: '/things/42?x=1' });
    const [span] = exporter.getFinishedSpans();
    expect(exporter.getFinishedSpans()).toHaveLength(1);
    expect(span.name).toBe('GET /things/:id');
    expect(span.kind).toBe(SpanKind.SERVER);
    expect(span.attributes).toMatchObject({
      'http.request.method': 'GET',
      'http.route': '/things/:id',
      'http.response.status_code': 200,
      'url.path': '/things/42',
    });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.parentSpanContext).toBeUndefined();
  });

  it('continues the trace of an incoming traceparent', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/things/7',
      headers: { traceparent: `00-${REMOTE_TRACE_ID}-${REMOTE_SPAN_ID}-01` },
    });
    const [span] = exporter.getFinishedSpans();
    expect(span.spanContext().traceId).toBe(REMOTE_TRACE_ID);
    expect(span.parentSpanContext?.spanId).toBe(REMOTE_SPAN_ID);
    expect(response.json().traceId).toBe(REMOTE_TRACE_ID);
  });

  it('marks the span as failed with the exception when the handler throws', async () => {
    const response = await app.inject({ method: 'GET', url: '/things/broken/always' });
    stdout.restore();
    expect(response.statusCode).toBe(500);
    const [span] = exporter.getFinishedSpans();
    expect(span.name).toBe('GET /things/broken/always');
    expect(span.attributes['http.response.status_code']).toBe(500);
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'kaput' });
    expect(span.events.find((e) => e.name === 'exception')?.attributes).toMatchObject({ 'exception.message': 'kaput' });
    const errorLine = stdout.records().find((r) => r.level === 'error');
    expect(errorLine).toBeDefined();
    expect(errorLine!.traceId).toBe(span.spanContext().traceId);
    expect(errorLine!.correlationId).toBe(response.headers['x-correlation-id']);
  });

  it('leaves 4xx spans unset and covers requests a guard rejects', async () => {
    const response = await app.inject({ method: 'GET', url: '/secured' });
    expect(response.statusCode).toBe(403);
    expect(response.headers['x-correlation-id']).toBeDefined();
    const [span] = exporter.getFinishedSpans();
    expect(span.name).toBe('GET /secured');
    expect(span.attributes['http.response.status_code']).toBe(403);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('names a span without a route by its method only', async () => {
    const response = await app.inject({ method: 'GET', url: '/nowhere' });
    expect(response.statusCode).toBe(404);
    const [span] = exporter.getFinishedSpans();
    expect(span.name).toBe('GET');
    expect(span.attributes['http.route']).toBeUndefined();
  });

  it('does not trace or log the health probes', async () => {
    const response = await app.inject({ method: 'GET', url: '/health/live' });
    stdout.restore();
    expect(response.statusCode).toBe(200);
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    expect(stdout.records().filter((r) => r.msg === 'request completed')).toHaveLength(0);
  });
});
