import { Logger } from '@nestjs/common';
import { CustomStrategy, ServerRMQ } from '@nestjs/microservices';
import type { Channel } from 'amqplib';
import { MessagingOptions, topologyNames } from '../messaging.options';
import { ConsumerChannels } from './consumer-channels';
import { ConsumerHealth } from './consumer-health';
import { eventConsumerOptions } from './consumer-options';

/** How often a refused set-up is tried again (e.g. after an operator migrated the queue). */
const RETRY_REFUSED_SETUP_MS = 30_000;

/**
 * Nest's RMQ server, telling ConsumerChannels about every channel it consumes on as soon as it
 * is set up (also after a reconnect), so shutdown can cancel the consumer even before the first
 * message arrived; and telling ConsumerHealth whether it consumes. On its own, a refused queue
 * declaration would leave it silently idle: the connection manager waits for a reconnect that
 * never comes.
 */
export class EventConsumerServer extends ServerRMQ {
  private readonly log = new Logger('EventConsumer');
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly messaging: MessagingOptions,
    private readonly channels: ConsumerChannels,
    private readonly health: ConsumerHealth,
  ) {
    super(eventConsumerOptions(messaging).options!);
  }

  override async setupChannel(channel: Channel, callback: () => void): Promise<void> {
    this.channels.remember(channel);
    // A refused declaration closes the channel with an error; it is reported below, not thrown at the connection.
    channel.on('error', (error: Error) => this.log.warn(`consumer channel closed: ${error.message}`));
    channel.once('close', () => {
      if (this.health.current.state === 'consuming') this.health.set('disconnected');
    });
    try {
      await super.setupChannel(channel, callback);
      this.health.set('consuming');
    } catch (error) {
      const reason = (error as Error).message;
      this.health.set('refused', reason);
      this.log.error(
        `the broker refused the consumer of ${topologyNames(this.messaging).consumerQueue}: ${reason}. ` +
          'If a queue exists with other arguments, run `npm run messaging -- topology check` and migrate it (see libs/messaging/src/admin/README.md).',
      );
      this.scheduleRetry();
      throw error;
    }
  }

  override async createClient<T = unknown>(): Promise<T> {
    const client = (await super.createClient()) as { createChannel(options: object): { on(event: 'error', listener: (error: Error) => void): unknown } };
    const createChannel = client.createChannel.bind(client);
    // The connection manager emits a failed set-up as an 'error' event; unheard, it would crash the process.
    client.createChannel = (options) => {
      const wrapper = createChannel(options);
      wrapper.on('error', (error) => this.log.warn(`consumer channel: ${error.message}`));
      return wrapper;
    };
    return client as T;
  }

  private scheduleRetry(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      // A new connection runs the set-up again; until then the consumer stays `refused`.
      (this.server as unknown as { reconnect?: () => void } | null)?.reconnect?.();
    }, RETRY_REFUSED_SETUP_MS);
    this.retryTimer.unref();
  }

  override async close(): Promise<void> {
    clearTimeout(this.retryTimer);
    await super.close();
  }
}

/** What `app.connectMicroservice(...)` takes to consume this service's events. */
export function eventConsumerStrategy(options: MessagingOptions, channels: ConsumerChannels, health: ConsumerHealth): CustomStrategy {
  return { strategy: new EventConsumerServer(options, channels, health) };
}
