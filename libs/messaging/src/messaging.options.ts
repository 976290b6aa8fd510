/**
 * What a process needs to publish and consume CRM events. Built from the `amqpEnv` config
 * fragment plus the service name; tests pass their own exchange names to stay isolated on a
 * shared broker.
 */
export interface MessagingOptions {
  /** Service name: CloudEvents source `crm/<service>`, consumer queue `<service>.events`. */
  service: string;
  amqpUrl: string;
  /** Topic exchange of all CRM events (contract: `crm.events`). */
  exchange: string;
  /**
   * Put before every queue this service declares (`<prefix><service>.events`, its retry and
   * dead-letter queues), so that isolated runs on one broker (tests, a second environment on a
   * shared vhost) never share queues. Empty in production.
   */
  queuePrefix?: string;
  /** Messages a consumer may hold unacknowledged at once. */
  prefetch: number;
  /**
   * Attempts of a message whose handler fails while its dependencies are healthy, before it is
   * dead-lettered. Transient failures (database or broker unreachable) do not count.
   */
  deliveryLimit: number;
  /** How often the relay looks for unsent outbox rows when nothing pokes it. */
  outboxPollMs: number;
  /** How long a relay holds the outbox rows it is publishing (default 30 s). */
  outboxLeaseMs?: number;
  /** Whether this process consumes events (declares its queue and dead-letter queue). */
  consumes?: boolean;
  /** How long sent outbox rows and inbox marks are kept; defaults 7 and 30 days. */
  retention?: { outboxHours: number; inboxHours: number };
  /**
   * Consumer tuning: how many handlers run at once (never more than the database pool can
   * serve beside HTTP), how long one may take, and how long a transient failure is waited out
   * before the message is dead-lettered. Defaults: prefetch, 30 s, 60 min.
   */
  consumer?: { concurrency?: number; handlerTimeoutMs?: number; transientRetryMinutes?: number };
  /** SHUTDOWN_TIMEOUT_MS: bound for draining in-flight messages and the relay's batch. */
  shutdownTimeoutMs?: number;
}

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

/**
 * Delays of the retry queues, in order: attempt n waits RETRY_DELAYS_MS[min(n-1, last)]. A failed
 * message is parked in the queue of its delay and comes back to the consumer queue when it
 * expires, so it never holds a consumer slot while it waits.
 */
export const RETRY_DELAYS_MS = [1_000, 5_000, 30_000, 60_000] as const;

/** How many messages the unrouted queue keeps (oldest dropped first); also kept at most 7 days. */
export const UNROUTED_MAX_LENGTH = 10_000;

/** Names derived from the options, in one place so producer, consumer and tests agree. */
export function topologyNames(options: Pick<MessagingOptions, 'service' | 'exchange' | 'queuePrefix'>) {
  const consumerQueue = `${options.queuePrefix ?? ''}${options.service}.events`;
  return {
    exchange: options.exchange,
    /** Alternate exchange: events no queue is bound for are kept here instead of dropped. */
    unroutedExchange: `${options.exchange}.unrouted`,
    unroutedQueue: `${options.exchange}.unrouted`,
    /** Dead-letter exchange shared by all consumer queues; routing key = the consumer queue. */
    deadLetterExchange: `${options.exchange}.dlx`,
    consumerQueue,
    deadLetterQueue: `${consumerQueue}.dlq`,
    /** One queue per retry delay, e.g. `customer.events.retry.5s`. */
    retryQueues: RETRY_DELAYS_MS.map((delayMs) => ({ delayMs, queue: `${consumerQueue}.retry.${delayMs / 1000}s` })),
  };
}
