import type { Channel } from 'amqplib';
import { MessagingOptions, topologyNames } from '../messaging.options';

/** Unrouted events are kept for a week, then expire: enough to notice and replay a missing binding. */
const UNROUTED_TTL_MS = 7 * 24 * 3600 * 1000;

/**
 * Arguments of the events exchange. Every declaration of it (relay, Nest's RMQ server) must pass
 * exactly these, or RabbitMQ refuses the second one with PRECONDITION_FAILED.
 */
export function eventsExchangeArguments(options: Pick<MessagingOptions, 'service' | 'exchange'>) {
  return { 'alternate-exchange': topologyNames(options).unroutedExchange };
}

/** Queue arguments of a service's consumer queue: quorum queue, bounded redelivery, dead letters. */
export function consumerQueueArguments(options: MessagingOptions) {
  const names = topologyNames(options);
  return {
    'x-queue-type': 'quorum',
    'x-delivery-limit': options.deliveryLimit,
    'x-dead-letter-exchange': names.deadLetterExchange,
    'x-dead-letter-routing-key': names.consumerQueue,
  };
}

/**
 * Declares everything a process relies on, idempotently, on every (re)connection: the events
 * exchange with its alternate exchange, and for a consuming service its dead-letter queue. The
 * consumer queue itself is declared by Nest's RMQ server with `consumerQueueArguments`.
 */
export async function assertTopology(channel: Channel, options: MessagingOptions): Promise<void> {
  const names = topologyNames(options);
  await channel.assertExchange(names.unroutedExchange, 'fanout', { durable: true });
  await channel.assertQueue(names.unroutedQueue, { durable: true, arguments: { 'x-message-ttl': UNROUTED_TTL_MS } });
  await channel.bindQueue(names.unroutedQueue, names.unroutedExchange, '');
  await channel.assertExchange(names.exchange, 'topic', { durable: true, arguments: eventsExchangeArguments(options) });
  if (options.consumes) {
    await channel.assertExchange(names.deadLetterExchange, 'direct', { durable: true });
    await channel.assertQueue(names.deadLetterQueue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    await channel.bindQueue(names.deadLetterQueue, names.deadLetterExchange, names.consumerQueue);
  }
}
