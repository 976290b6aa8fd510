import { type Context, context, propagation, ROOT_CONTEXT, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';

/** Message headers as amqplib hands them over: values may be strings, Buffers or arrays. */
export type HeaderCarrier = Record<string, unknown>;

const setter: TextMapSetter<HeaderCarrier> = {
  set(carrier, key, value) {
    carrier[key] = value;
  },
};

const getter: TextMapGetter<HeaderCarrier> = {
  keys: (carrier) => Object.keys(carrier),
  get(carrier, key) {
    const value = carrier[key] ?? carrier[Object.keys(carrier).find((k) => k.toLowerCase() === key) ?? ''];
    if (typeof value === 'string') return value;
    if (Buffer.isBuffer(value)) return value.toString('utf8');
    if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
    return undefined;
  },
};

/** Writes `traceparent` (and `tracestate`/`baggage` when present) of `ctx` into message or HTTP headers. */
export function injectTraceHeaders<C extends HeaderCarrier>(carrier: C, ctx: Context = context.active()): C {
  propagation.inject(ctx, carrier, setter);
  return carrier;
}

/** The remote parent described by `traceparent` in the headers; the root context when absent or malformed. */
export function extractTraceContext(carrier: HeaderCarrier | undefined, base: Context = ROOT_CONTEXT): Context {
  if (!carrier) return base;
  return propagation.extract(base, carrier, getter);
}
