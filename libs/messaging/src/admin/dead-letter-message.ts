import type { GetMessage, Options } from 'amqplib';

export type DeadLetterQueueKind = 'dead-letter' | 'unrouted';

/** One parked message as an operator needs to see it in a list. */
export interface DeadLetterSummary {
  /** AMQP messageId = CloudEvents id: consumers' inboxes dedupe a replay by it. */
  id: string | null;
  type: string | null;
  /** The routing key the event was published with (its type, by convention). */
  routingKey: string | null;
  source: string | null;
  /** When the event happened (CloudEvents `time`). */
  time: string | null;
  reason: string | null;
  /** Handler identity that gave up on it (consumer-parked messages only). */
  consumer: string | null;
  /** Queue it was taken from, where a replay sends it back (null for unrouted events). */
  originalQueue: string | null;
  deadLetteredAt: string | null;
  attempts: number | null;
}

/** A message in full: summary, AMQP properties, headers and body. */
export interface DeadLetterDetail extends DeadLetterSummary {
  properties: Record<string, unknown>;
  headers: Record<string, unknown>;
  /** Parsed JSON when the content is JSON, else the text. */
  body: unknown;
}

interface XDeath {
  queue?: string;
  reason?: string;
  count?: number;
  time?: unknown;
  'routing-keys'?: unknown[];
}

const BROKER_HEADERS = /^x-(death|first-death-|last-death-|delivery-count$)/;

export function summarise(message: GetMessage, kind: DeadLetterQueueKind): DeadLetterSummary {
  const headers = message.properties.headers ?? {};
  const body = parseBody(message);
  const envelope = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  // RabbitMQ keeps the newest death first; `expired` deaths are the retry queues' round trips.
  const deaths = (Array.isArray(headers['x-death']) ? headers['x-death'] : []) as XDeath[];
  const death = deaths.find((d) => d.reason !== 'expired') ?? deaths[0];
  const oldest = deaths[deaths.length - 1];
  const type = text(message.properties.type) ?? text(envelope.type);
  return {
    id: text(message.properties.messageId) ?? text(envelope.id),
    type,
    routingKey:
      kind === 'unrouted'
        ? message.fields.routingKey || type
        : (text(headers['x-crm-routing-key']) ?? text(oldest?.['routing-keys']?.[0]) ?? type),
    source: text(envelope.source) ?? text(message.properties.appId),
    time: text(envelope.time) ?? isoTime(message.properties.timestamp),
    reason: kind === 'unrouted' ? 'unrouted: no queue was bound for its routing key' : (text(headers['x-crm-error']) ?? text(death?.reason) ?? text(headers['x-first-death-reason'])),
    consumer: text(headers['x-crm-consumer']),
    originalQueue: kind === 'unrouted' ? null : (text(headers['x-crm-consumer-queue']) ?? text(death?.queue) ?? text(headers['x-first-death-queue'])),
    deadLetteredAt: text(headers['x-crm-dead-lettered-at']) ?? isoTime(death?.time),
    attempts: numberOrNull(headers['x-crm-attempts']),
  };
}

export function detail(message: GetMessage, kind: DeadLetterQueueKind): DeadLetterDetail {
  const { headers, ...properties } = message.properties;
  const defined = Object.fromEntries(Object.entries(properties).filter(([, value]) => value !== undefined));
  return { ...summarise(message, kind), properties: jsonSafe(defined) as Record<string, unknown>, headers: jsonSafe(headers ?? {}) as Record<string, unknown>, body: parseBody(message) };
}

/**
 * What a replay publishes: the original body and properties (messageId, type, traceparent, …),
 * so consumers treat it as the same event and their inboxes dedupe it, without the dead-letter
 * bookkeeping (x-crm-*, x-death…): it starts over with fresh retry counts. `userId` is dropped
 * because RabbitMQ refuses a message whose user-id is not the publishing connection's user.
 */
export function replayProperties(message: GetMessage): Options.Publish {
  const { messageId, type, appId, timestamp, contentType, contentEncoding, correlationId, replyTo, priority, expiration } = message.properties;
  const headers = Object.fromEntries(
    Object.entries(message.properties.headers ?? {}).filter(([name]) => !name.startsWith('x-crm-') && !BROKER_HEADERS.test(name)),
  );
  return stripUndefined({ messageId, type, appId, timestamp, contentType, contentEncoding, correlationId, replyTo, priority, expiration, headers });
}

/** What moving a message between queues publishes: everything except the queue's own delivery count. */
export function movedProperties(message: GetMessage): Options.Publish {
  const { userId: _userId, headers, ...properties } = message.properties;
  const { 'x-delivery-count': _count, ...kept } = headers ?? {};
  return stripUndefined({ ...properties, headers: kept });
}

function parseBody(message: GetMessage): unknown {
  const content = message.content.toString('utf8');
  try {
    return JSON.parse(content);
  } catch {
    return content;
  }
}

function text(value: unknown): string | null {
  if (typeof value === 'string' && value) return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8') || null;
  return null;
}

function numberOrNull(value: unknown): number | null {
  const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(number) ? number : null;
}

/** AMQP timestamps are seconds; amqplib decodes table timestamps as `{'!': 'timestamp', value}`. */
function isoTime(value: unknown): string | null {
  const seconds = typeof value === 'number' ? value : numberOrNull((value as { value?: unknown } | undefined)?.value);
  return seconds ? new Date(seconds * 1000).toISOString() : null;
}

/** Header tables as JSON: timestamps as ISO strings, byte arrays as base64. */
function jsonSafe(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value && typeof value === 'object') {
    const tagged = value as { '!'?: unknown; value?: unknown };
    if (tagged['!'] === 'timestamp') return isoTime(tagged.value);
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, jsonSafe(inner)]));
  }
  return typeof value === 'bigint' ? Number(value) : value;
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, inner]) => inner !== undefined)) as T;
}
