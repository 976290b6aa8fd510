import { Injectable, Logger } from '@nestjs/common';
import type { Channel } from 'amqplib';

/**
 * The channel(s) this process consumes on (EventConsumerServer reports each one when it is set
 * up), so shutdown can cancel the consumer (no new deliveries) before waiting for in-flight
 * messages, instead of closing the channel under them.
 */
@Injectable()
export class ConsumerChannels {
  private readonly logger = new Logger(ConsumerChannels.name);
  private readonly channels = new Set<Channel>();

  remember(channel: Channel): void {
    this.channels.add(channel);
    channel.once('close', () => this.channels.delete(channel)); // replaced after a reconnect
  }

  async cancel(consumerTag: string): Promise<void> {
    for (const channel of this.channels) {
      await channel.cancel(consumerTag).catch((error: Error) => this.logger.warn(`cancel failed: ${error.message}`));
    }
    this.channels.clear();
  }
}
