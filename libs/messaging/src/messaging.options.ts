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
  /** Messages a consumer may hold unacknowledged at once. */
  prefetch: number;
  /** Deliveries of one message before it is dead-lettered (quorum queue `x-delivery-limit`). */
  deliveryLimit: number;
  /** How often the relay looks for unsent outbox rows when nothing pokes it. */
  outboxPollMs: number;
  /** Whether this process consumes events (declares its queue and dead-letter queue). */
  consumes?: boolean;
  /** How long sent outbox rows and inbox marks are kept; defaults 7 and 30 days. */
  retention?: { outboxHours: number; inboxHours: number };
}

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

/** Names derived from the options, in one place so producer, consumer and tests agree. */
export function topologyNames(options: Pick<MessagingOptions, 'service' | 'exchange'>) {
  return {
    exchange: options.exchange,
    /** Alternate exchange: events no queue is bound for are kept here instead of dropped. */
    unroutedExchange: `${options.exchange}.unrouted`,
    unroutedQueue: `${options.exchange}.unrouted`,
    /** Dead-letter exchange shared by all consumer queues; routing key = the consumer queue. */
    deadLetterExchange: `${options.exchange}.dlx`,
    consumerQueue: `${options.service}.events`,
    deadLetterQueue: `${options.service}.events.dlq`,
  };
}
