import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { ConsumeMessage, Options } from 'amqplib';
import { ConfirmPublisher } from '../broker/confirm-publisher';
import { MESSAGING_OPTIONS, MessagingOptions, RETRY_DELAYS_MS, topologyNames } from '../messaging.options';

/** Headers a consumer adds to a message it parks; the dead-letter tools read them. */
export const RETRY_HEADERS = {
  failures: 'x-crm-failures',
  transientSince: 'x-crm-transient-since',
  lastError: 'x-crm-last-error',
  error: 'x-crm-error',
  consumer: 'x-crm-consumer',
  consumerQueue: 'x-crm-consumer-queue',
  routingKey: 'x-crm-routing-key',
  deadLetteredAt: 'x-crm-dead-lettered-at',
  attempts: 'x-crm-attempts',
} as const;

/** What the consumer remembers of a message across retries (carried in its headers). */
export interface RetryState {
  /** Failures that counted (the handler failed while its dependencies were healthy). */
  failures: number;
  /** When the current run of transient failures began (ms since epoch), if one is going on. */
  transientSince: number | null;
  /** Attempts so far, of either kind: picks the retry delay. */
  attempts: number;
}

export function retryStateOf(message: ConsumeMessage): RetryState {
  const headers = message.properties.headers ?? {};
  const failures = Number(headers[RETRY_HEADERS.failures] ?? 0) || 0;
  const since = Number(headers[RETRY_HEADERS.transientSince] ?? 0) || null;
  const attempts = Number(headers[RETRY_HEADERS.attempts] ?? 0) || 0;
  return { failures, transientSince: since, attempts };
}

/** The event's routing key; a message back from a retry queue arrives with the queue's name instead. */
function originalRoutingKey(message: ConsumeMessage): string {
  const carried = message.properties.headers?.[RETRY_HEADERS.routingKey];
  if (typeof carried === 'string') return carried;
  // A replayed dead letter arrives through the default exchange, routed by the queue's name.
  return typeof message.properties.type === 'string' && message.properties.type ? message.properties.type : message.fields.routingKey;
}

/** Headers RabbitMQ adds on dead-lettering; dropped when a message is parked again. */
const BROKER_HEADERS = ['x-death', 'x-first-death-queue', 'x-first-death-reason', 'x-first-death-exchange', 'x-last-death-queue', 'x-last-death-reason', 'x-last-death-exchange', 'x-delivery-count'];

function carriedProperties(message: ConsumeMessage, headers: Record<string, unknown>): Options.Publish {
  const { messageId, type, appId, timestamp, contentType, contentEncoding, correlationId } = message.properties;
  const kept = { ...(message.properties.headers ?? {}) };
  for (const name of BROKER_HEADERS) delete kept[name];
  return { messageId, type, appId, timestamp, contentType, contentEncoding, correlationId, headers: { ...kept, ...headers } };
}

/**
 * Parks failed messages where they wait without holding a consumer slot: a retry queue of the
 * right delay (it dead-letters the message back to the consumer queue when the delay expires),
 * or the dead-letter queue. The copy is confirmed by the broker before the original is acked,
 * so a crash in between repeats the message rather than losing it (the inbox absorbs a repeat).
 */
@Injectable()
export class ConsumerRetries implements OnApplicationShutdown {
  private readonly publisher: ConfirmPublisher;
  private readonly names: ReturnType<typeof topologyNames>;

  constructor(@Inject(MESSAGING_OPTIONS) options: MessagingOptions) {
    this.publisher = new ConfirmPublisher(options, `${options.service}-consumer-retries`);
    this.names = topologyNames(options);
  }

  /** The delay before attempt `attempts + 1`: 1 s, 5 s, 30 s, then every minute. */
  static delayFor(attempts: number): { delayMs: number; index: number } {
    const index = Math.min(Math.max(attempts, 1), RETRY_DELAYS_MS.length) - 1;
    return { delayMs: RETRY_DELAYS_MS[index], index };
  }

  async retry(message: ConsumeMessage, next: RetryState, error: string): Promise<number> {
    const { delayMs, index } = ConsumerRetries.delayFor(next.attempts);
    await this.publisher.publishTo(
      '',
      this.names.retryQueues[index].queue,
      message.content,
      carriedProperties(message, {
        [RETRY_HEADERS.failures]: next.failures,
        [RETRY_HEADERS.attempts]: next.attempts,
        [RETRY_HEADERS.lastError]: error.slice(0, 500),
        [RETRY_HEADERS.routingKey]: originalRoutingKey(message),
        ...(next.transientSince ? { [RETRY_HEADERS.transientSince]: next.transientSince } : {}),
      }),
    );
    return delayMs;
  }

  async deadLetter(message: ConsumeMessage, consumer: string, reason: string, attempts: number): Promise<void> {
    const headers: Record<string, unknown> = {
      [RETRY_HEADERS.error]: reason.slice(0, 1000),
      [RETRY_HEADERS.consumer]: consumer,
      [RETRY_HEADERS.consumerQueue]: this.names.consumerQueue,
      [RETRY_HEADERS.routingKey]: originalRoutingKey(message),
      [RETRY_HEADERS.deadLetteredAt]: new Date().toISOString(),
      [RETRY_HEADERS.attempts]: attempts,
    };
    const properties = carriedProperties(message, headers);
    for (const name of [RETRY_HEADERS.failures, RETRY_HEADERS.transientSince, RETRY_HEADERS.lastError]) delete properties.headers![name];
    await this.publisher.publishTo('', this.names.deadLetterQueue, message.content, properties);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.publisher.close();
  }
}
