import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { RmqOptions, Transport } from '@nestjs/microservices';
import { MessagingOptions, topologyNames } from '../messaging.options';
import { consumerQueueArguments, eventsExchangeArguments } from '../broker/topology';
import { CloudEventDeserializer } from './cloud-event.deserializer';

/** Unique per process so that shutdown can cancel exactly this consumer. */
export const CONSUMER_TAG = `${hostname()}.${process.pid}.${randomBytes(3).toString('hex')}`;

/**
 * Options for `app.connectMicroservice`: Nest's RMQ server with every unsafe default replaced
 * (see shared/toolchain.md): manual acks, bounded prefetch, a durable quorum queue bound per
 * handler pattern on the topic exchange, bounded redelivery into a dead-letter queue.
 */
export function eventConsumerOptions(options: MessagingOptions): RmqOptions {
  const names = topologyNames(options);
  return {
    transport: Transport.RMQ,
    options: {
      urls: [options.amqpUrl],
      queue: names.consumerQueue,
      queueOptions: { durable: true, exclusive: false, autoDelete: false, arguments: consumerQueueArguments(options) },
      exchange: names.exchange,
      exchangeType: 'topic',
      exchangeArguments: eventsExchangeArguments(options),
      wildcards: true,
      noAck: false,
      prefetchCount: options.prefetch,
      isGlobalPrefetchCount: false,
      persistent: true,
      consumerTag: `${names.consumerQueue}.${CONSUMER_TAG}`,
      // The HTTP side keeps serving while the broker is away; the connection manager reconnects
      // (every 2 s) for as long as it takes, and readiness reports the broker as down meanwhile.
      maxConnectionAttempts: -1,
      socketOptions: { heartbeatIntervalInSeconds: 15, reconnectTimeInSeconds: 2 },
      deserializer: new CloudEventDeserializer(),
    },
  };
}
