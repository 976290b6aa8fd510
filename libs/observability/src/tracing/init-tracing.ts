import { trace, type Tracer } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { Sampler, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

export interface TracingOptions {
  serviceName: string;
  serviceVersion?: string;
  /** Where finished spans go. None by default: no exporter is installed yet (see README of the lib). */
  spanProcessors?: SpanProcessor[];
  sampler?: Sampler;
}

export interface TracingHandle {
  readonly serviceName: string;
  readonly provider: NodeTracerProvider;
  forceFlush(): Promise<void>;
}

const TRACER_NAME = '@crm/observability';
let registered: TracingHandle | undefined;

/**
 * Registers the tracer provider, the AsyncLocalStorage context manager and the W3C trace-context
 * (+ baggage) propagator for the whole process. Safe to call more than once: the first call wins,
 * so a test that registers an in-memory exporter first keeps it when the app module calls again.
 * Without any span processor spans are still created, so trace ids reach logs and message headers.
 */
export function initTracing(options: TracingOptions): TracingHandle {
  if (registered) return registered;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      'service.name': options.serviceName,
      ...(options.serviceVersion ? { 'service.version': options.serviceVersion } : {}),
    }),
    spanProcessors: options.spanProcessors ?? [],
    ...(options.sampler ? { sampler: options.sampler } : {}),
  });
  // Defaults of register(): AsyncLocalStorageContextManager and W3C traceparent + baggage.
  provider.register();
  registered = { serviceName: options.serviceName, provider, forceFlush: () => provider.forceFlush() };
  return registered;
}

export function tracingHandle(): TracingHandle | undefined {
  return registered;
}

/** The tracer all spans of this lib use; a no-op tracer until initTracing ran. */
export function tracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
}
