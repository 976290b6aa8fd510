import type { Channel } from 'amqplib';
import { MessagingOptions, topologyNames, UNROUTED_MAX_LENGTH } from '../messaging.options';

/** Unrouted events are kept for a week, then expire: enough to notice and replay a missing binding. */
const UNROUTED_TTL_MS = 7 * 24 * 3600 * 1000;

/**
 * Redeliveries of one message that was never acknowledged (its consumer crashed or hung, or the
 * channel closed under it) before the queue dead-letters it. Handler failures do not count: they
 * are acknowledged and parked in a retry queue (see EventConsumerInterceptor).
 */
export const UNACKED_DELIVERY_LIMIT = 20;

/**
 * Arguments of the events exchange. Every declaration of it (relay, Nest's RMQ server) must pass
 * exactly these, or RabbitMQ refuses the second one with PRECONDITION_FAILED.
 */
export function eventsExchangeArguments(options: Pick<MessagingOptions, 'service' | 'exchange'>) {
  return { 'alternate-exchange': topologyNames(options).unroutedExchange };
}

/**
 * Quorum queue whose dead letters are moved at least once (RabbitMQ ≥ 3.10): the message leaves
 * only when the target queue confirmed it. That strategy needs `reject-publish` overflow.
 */
const AT_LEAST_ONCE = { 'x-queue-type': 'quorum', 'x-dead-letter-strategy': 'at-least-once', 'x-overflow': 'reject-publish' };

/** Queue arguments of a service's consumer queue: quorum queue, bounded redelivery, dead letters. */
export function consumerQueueArguments(options: Pick<MessagingOptions, 'service' | 'exchange'>) {
  const names = topologyNames(options);
  return {
    ...AT_LEAST_ONCE,
    'x-delivery-limit': UNACKED_DELIVERY_LIMIT,
    'x-dead-letter-exchange': names.deadLetterExchange,
    'x-dead-letter-routing-key': names.consumerQueue,
  };
}

/** A retry queue holds a failed message for its delay, then dead-letters it back to the consumer queue. */
export function retryQueueArguments(options: Pick<MessagingOptions, 'service' | 'exchange'>, delayMs: number) {
  return {
    ...AT_LEAST_ONCE,
    'x-message-ttl': delayMs,
    'x-dead-letter-exchange': '',
    'x-dead-letter-routing-key': topologyNames(options).consumerQueue,
  };
}

export function unroutedQueueArguments() {
  return { 'x-message-ttl': UNROUTED_TTL_MS, 'x-max-length': UNROUTED_MAX_LENGTH, 'x-overflow': 'drop-head' };
}

export function deadLetterQueueArguments() {
  return { 'x-queue-type': 'quorum' };
}

/** Every queue a process declares, with its arguments (for the declaration and the topology check). */
export function declaredQueues(options: MessagingOptions): { queue: string; arguments: Record<string, unknown> }[] {
  const names = topologyNames(options);
  const queues = [{ queue: names.unroutedQueue, arguments: unroutedQueueArguments() as Record<string, unknown> }];
  if (options.consumes) {
    queues.push(
      { queue: names.consumerQueue, arguments: consumerQueueArguments(options) },
      { queue: names.deadLetterQueue, arguments: deadLetterQueueArguments() },
      ...names.retryQueues.map(({ queue, delayMs }) => ({ queue, arguments: retryQueueArguments(options, delayMs) })),
    );
  }
  return queues;
}

/**
 * Declares everything a process relies on, idempotently, on every (re)connection: the events
 * exchange with its alternate exchange, and for a consuming service its dead-letter and retry
 * queues. The consumer queue itself is declared by Nest's RMQ server with `consumerQueueArguments`.
 * A queue that exists with other arguments makes RabbitMQ close the channel (PRECONDITION_FAILED):
 * that is reported, and `npm run messaging -- topology migrate` recreates it keeping its messages.
 */
export async function assertTopology(channel: Channel, options: MessagingOptions): Promise<void> {
  const names = topologyNames(options);
  await channel.assertExchange(names.unroutedExchange, 'fanout', { durable: true });
  await channel.assertQueue(names.unroutedQueue, { durable: true, arguments: unroutedQueueArguments() });
  await channel.bindQueue(names.unroutedQueue, names.unroutedExchange, '');
  await channel.assertExchange(names.exchange, 'topic', { durable: true, arguments: eventsExchangeArguments(options) });
  if (options.consumes) {
    await channel.assertExchange(names.deadLetterExchange, 'direct', { durable: true });
    await channel.assertQueue(names.deadLetterQueue, { durable: true, arguments: deadLetterQueueArguments() });
    await channel.bindQueue(names.deadLetterQueue, names.deadLetterExchange, names.consumerQueue);
    for (const { queue, delayMs } of names.retryQueues) {
      await channel.assertQueue(queue, { durable: true, arguments: retryQueueArguments(options, delayMs) });
    }
  }
}
