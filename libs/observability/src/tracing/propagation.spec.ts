import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { currentCorrelationId, runWithCorrelation } from '../context/request-context';
import { initTracing } from './init-tracing';
import { contextHeaders, withConsumeSpan, withPublishSpan } from './message-spans';
import { extractTraceContext, injectTraceHeaders } from './propagation';
import { withSpan } from './with-span';

const exporter = new InMemorySpanExporter();
initTracing({ serviceName: 'propagation-test', spanProcessors: [new SimpleSpanProcessor(exporter)] });

describe('trace context in message headers', () => {
  beforeEach(() => exporter.reset());

  it('is idempotent: a second initTracing keeps the first provider', () => {
    const again = initTracing({ serviceName: 'other', spanProcessors: [] });
    expect(again.serviceName).toBe('propagation-test');
  });

  it('round-trips the trace id through injected headers (also as AMQP Buffers)', async () => {
    await withSpan('work', {}, async (span) => {
      const headers = injectTraceHeaders({} as Record<string, unknown>);
      expect(headers.traceparent).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);

      const remote = trace.getSpanContext(extractTraceContext(headers));
      expect(remote).toMatchObject({ traceId: span.spanContext().traceId, spanId: span.spanContext().spanId, isRemote: true });
      const fromBuffer = trace.getSpanContext(extractTraceContext({ traceparent: Buffer.from(headers.traceparent as string) }));
      expect(fromBuffer?.traceId).toBe(span.spanContext().traceId);
    });
  });

  it('extracts nothing from missing or malformed headers', () => {
    expect(trace.getSpanContext(extractTraceContext(undefined))).toBeUndefined();
    expect(trace.getSpanContext(extractTraceContext({ traceparent: 'garbage' }))).toBeUndefined();
  });

  it('links a CONSUMER span to the PRODUCER span through traceparent, and carries the correlation id', async () => {
    const headers: Record<string, unknown> = {};
    await runWithCorrelation('corr-msg-1', () =>
      withSpan('POST /orders', {}, () =>
        withPublishSpan({ destination: 'crm.events', routingKey: 'sales.order.recorded.v1', messageId: 'evt-1' }, headers, async () => undefined),
      ),
    );
    expect(headers['x-correlation-id']).toBe('corr-msg-1');

    // The consumer runs later, in another async context.
    const seen = await context.with(context.active(), () =>
      withConsumeSpan({ destination: 'sales.events' }, headers, async () => currentCorrelationId()),
    );
    expect(seen).toBe('corr-msg-1');

    const spans = exporter.getFinishedSpans();
    const producer = spans.find((s) => s.kind === SpanKind.PRODUCER)!;
    const consumer = spans.find((s) => s.kind === SpanKind.CONSUMER)!;
    const request = spans.find((s) => s.name === 'POST /orders')!;
    expect(producer.name).toBe('publish crm.events');
    expect(producer.attributes).toMatchObject({
      'messaging.system': 'rabbitmq',
      'messaging.operation.type': 'send',
      'messaging.destination.name': 'crm.events',
      'messaging.rabbitmq.destination.routing_key': 'sales.order.recorded.v1',
      'messaging.message.id': 'evt-1',
    });
    expect(producer.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    expect(consumer.name).toBe('process sales.events');
    expect(consumer.spanContext().traceId).toBe(producer.spanContext().traceId);
    expect(consumer.parentSpanContext?.spanId).toBe(producer.spanContext().spanId);
  });

  it('makes a publish from an outbox row a child of the request that wrote the row', async () => {
    let stored: Record<string, string> = {};
    let requestSpanId = '';
    await runWithCorrelation('corr-outbox', () =>
      withSpan('PATCH /opportunities/:id', {}, async (span) => {
        requestSpanId = span.spanContext().spanId;
        stored = contextHeaders();
      }),
    );
    expect(stored['x-correlation-id']).toBe('corr-outbox');

    // The relay publishes outside any request.
    const headers: Record<string, unknown> = { ...stored };
    await withPublishSpan({ destination: 'crm.events' }, headers, async () => undefined);
    const producer = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.PRODUCER)!;
    expect(producer.parentSpanContext?.spanId).toBe(requestSpanId);
    expect(headers.traceparent).toContain(producer.spanContext().spanId);
    expect(headers['x-correlation-id']).toBe('corr-outbox');
  });

  it('records a failing handler on its span and rethrows', async () => {
    await expect(
      withConsumeSpan({ destination: 'q' }, {}, async () => {
        throw new Error('invalid payload');
      }),
    ).rejects.toThrow('invalid payload');
    const [span] = exporter.getFinishedSpans();
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'invalid payload' });
    expect(span.events[0].name).toBe('exception');
  });
});
