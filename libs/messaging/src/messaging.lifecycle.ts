import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { MESSAGING_OPTIONS, MessagingOptions, topologyNames } from './messaging.options';
import { OutboxRelay } from './outbox/outbox-relay';
import { OutboxCommitSubscriber } from './outbox/outbox-commit.subscriber';
import { InFlightMessages } from './consumer/in-flight';
import { ConsumerChannels } from './consumer/consumer-channels';
import { CONSUMER_TAG } from './consumer/consumer-options';

const DRAIN_TIMEOUT_MS = 10_000;

/**
 * Wires the outbox to the ORM at start, and shuts messaging down in the order that loses nothing:
 * stop taking deliveries, let in-flight handlers commit (and ack), then stop the relay after its
 * current batch. Unsent outbox rows stay in the database for the next start.
 */
@Injectable()
export class MessagingLifecycle implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(MessagingLifecycle.name);

  constructor(
    private readonly orm: MikroORM,
    private readonly relay: OutboxRelay,
    private readonly inFlight: InFlightMessages,
    private readonly channels: ConsumerChannels,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  onModuleInit(): void {
    this.orm.em.getEventManager().registerSubscriber(new OutboxCommitSubscriber(() => this.relay.poke()));
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.options.consumes) {
      await this.channels.cancel(`${topologyNames(this.options).consumerQueue}.${CONSUMER_TAG}`);
      const drained = await this.inFlight.idle(DRAIN_TIMEOUT_MS);
      if (!drained) this.logger.warn(`${this.inFlight.size} messages still in flight at shutdown; they will be redelivered`);
    }
    await this.relay.stop();
  }
}
