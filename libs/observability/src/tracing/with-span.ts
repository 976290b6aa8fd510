import { type Attributes, type Context, context, type Link, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { tracer } from './init-tracing';

export interface WithSpanOptions {
  kind?: SpanKind;
  /** Parent context, e.g. from extractTraceContext(message headers); default the active context. */
  parent?: Context;
  links?: Link[];
}

/** Marks a span failed with the error; non-Error throwables are recorded by their text. */
export function recordSpanError(span: Span, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  span.recordException(error instanceof Error ? error : message);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}

/**
 * Runs `fn` inside a new active span, so logs and nested spans inside it carry its ids; a throw
 * (or rejection) is recorded on the span and rethrown. The span ends when `fn` settles.
 */
export async function withSpan<T>(
  name: string,
  attributes: Attributes,
  fn: (span: Span) => T | Promise<T>,
  options: WithSpanOptions = {},
): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer().startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes, links: options.links }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (error) {
    recordSpanError(span, error);
    throw error;
  } finally {
    span.end();
  }
}
