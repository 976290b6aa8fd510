import { CustomStrategy, ServerRMQ } from '@nestjs/microservices';
import type { Channel } from 'amqplib';
import { MessagingOptions } from '../messaging.options';
import { ConsumerChannels } from './consumer-channels';
import { eventConsumerOptions } from './consumer-options';

/**
 * Nest's RMQ server, telling ConsumerChannels about every channel it consumes on as soon as it
 * is set up (also after a reconnect), so shutdown can cancel the consumer even before the first
 * message arrived.
 */
export class EventConsumerServer extends ServerRMQ {
  constructor(
    options: MessagingOptions,
    private readonly channels: ConsumerChannels,
  ) {
    super(eventConsumerOptions(options).options!);
  }

  override async setupChannel(channel: Channel, callback: () => void): Promise<void> {
    this.channels.remember(channel);
    return super.setupChannel(channel, callback);
  }
}

/** What `app.connectMicroservice(...)` takes to consume this service's events. */
export function eventConsumerStrategy(options: MessagingOptions, channels: ConsumerChannels): CustomStrategy {
  return { strategy: new EventConsumerServer(options, channels) };
}
