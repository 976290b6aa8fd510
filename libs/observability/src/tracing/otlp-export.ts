import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * Sends finished spans in batches to an OpenTelemetry collector over OTLP/HTTP
 * (`OTEL_EXPORTER_OTLP_ENDPOINT`, e.g. http://otel-collector:4318). Export runs off the request
 * path; a collector that is down costs dropped spans, never failed requests.
 */
export function otlpSpanProcessor(endpoint: string): SpanProcessor {
  return new BatchSpanProcessor(new OTLPTraceExporter({ url: new URL('/v1/traces', endpoint).href }), {
    scheduledDelayMillis: 2000,
  });
}
