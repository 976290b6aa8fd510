import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** What every log line and outgoing message of one unit of work (request, message, job) shares. */
export interface RequestContext {
  correlationId: string;
  userId?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const CORRELATION_ID_HEADER = 'x-correlation-id';
export const REQUEST_ID_HEADER = 'x-request-id';

// Ids come from callers we do not trust: anything long or with odd characters would let them
// forge or break log lines, so it is replaced by a fresh id rather than echoed.
const SAFE_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

export function newCorrelationId(): string {
  return randomUUID();
}

/** A usable id from a header value (string, string[] or an AMQP Buffer), or undefined. */
export function sanitizeCorrelationId(value: unknown): string | undefined {
  const raw = Array.isArray(value) ? value[0] : Buffer.isBuffer(value) ? value.toString('utf8') : value;
  if (typeof raw !== 'string') return undefined;
  const trimmed = raw.trim();
  return SAFE_ID.test(trimmed) ? trimmed : undefined;
}

/** The correlation id carried by a set of HTTP or message headers (x-correlation-id, then x-request-id). */
export function correlationIdFromHeaders(headers: Record<string, unknown> | undefined): string | undefined {
  if (!headers) return undefined;
  return sanitizeCorrelationId(headers[CORRELATION_ID_HEADER]) ?? sanitizeCorrelationId(headers[REQUEST_ID_HEADER]);
}

/** Runs `fn` with its own context; consumers and jobs use it where no HTTP request opened one. */
export function runWithCorrelation<T>(correlationId: string | undefined, fn: () => T, userId?: string): T {
  const id = sanitizeCorrelationId(correlationId) ?? newCorrelationId();
  return storage.run({ correlationId: id, ...(userId ? { userId } : {}) }, fn);
}

export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

export function currentCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}

/** Records who the unit of work runs for once authentication has established it. */
export function setContextUserId(userId: string): void {
  const store = storage.getStore();
  if (store) store.userId = userId;
}
