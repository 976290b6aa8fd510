import { type Attributes, context, type Span, SpanKind, trace } from '@opentelemetry/api';
import { CORRELATION_ID_HEADER, correlationIdFromHeaders, currentCorrelationId, runWithCorrelation } from '../context/request-context';
import { extractTraceContext, type HeaderCarrier, injectTraceHeaders } from './propagation';
import { withSpan } from './with-span';

export interface MessageSpanInfo {
  /** Exchange (publish) or queue (consume). */
  destination: string;
  /** Routing key / event type. */
  routingKey?: string;
  messageId?: string;
  /** Default 'rabbitmq'. */
  system?: string;
  attributes?: Attributes;
}

function messagingAttributes(info: MessageSpanInfo, operation: 'send' | 'process'): Attributes {
  return {
    'messaging.system': info.system ?? 'rabbitmq',
    'messaging.operation.type': operation,
    'messaging.destination.name': info.destination,
    ...(info.routingKey ? { 'messaging.rabbitmq.destination.routing_key': info.routingKey } : {}),
    ...(info.messageId ? { 'messaging.message.id': info.messageId } : {}),
    ...info.attributes,
  };
}

/**
 * Headers describing the current unit of work (traceparent, x-correlation-id), for a message
 * that will be published later, e.g. an outbox row written inside a request.
 */
export function contextHeaders(): Record<string, string> {
  const headers: Record<string, string> = injectTraceHeaders({});
  const correlationId = currentCorrelationId();
  if (correlationId) headers[CORRELATION_ID_HEADER] = correlationId;
  return headers;
}

/**
 * Runs a publish inside a PRODUCER span and writes its traceparent (and the correlation id) into
 * `headers`, so the consumer's span becomes its child. Headers that already carry a traceparent
 * (captured when an outbox row was written) make that trace the parent instead of the active one.
 */
export function withPublishSpan<T>(info: MessageSpanInfo, headers: HeaderCarrier, fn: (span: Span) => T | Promise<T>): Promise<T> {
  const parent = extractTraceContext(headers, context.active());
  return withSpan(
    `publish ${info.destination}`,
    messagingAttributes(info, 'send'),
    (span) => {
      injectTraceHeaders(headers, trace.setSpan(parent, span));
      if (!correlationIdFromHeaders(headers)) {
        const correlationId = currentCorrelationId();
        if (correlationId) headers[CORRELATION_ID_HEADER] = correlationId;
      }
      return fn(span);
    },
    { kind: SpanKind.PRODUCER, parent },
  );
}

/**
 * Handles a delivered message inside the correlation id it carries (or a new one) and a CONSUMER
 * span whose parent is the publisher's span from `traceparent`.
 */
export function withConsumeSpan<T>(info: MessageSpanInfo, headers: HeaderCarrier | undefined, fn: (span: Span) => T | Promise<T>): Promise<T> {
  return runWithCorrelation(correlationIdFromHeaders(headers), () =>
    withSpan(`process ${info.destination}`, messagingAttributes(info, 'process'), fn, {
      kind: SpanKind.CONSUMER,
      parent: extractTraceContext(headers),
    }),
  );
}
