import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit, Optional } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { ShutdownCoordinator } from '@crm/observability';
import { MESSAGING_OPTIONS, MessagingOptions, topologyNames } from './messaging.options';
import { OutboxRelay } from './outbox/outbox-relay';
import { OutboxCommitSubscriber } from './outbox/outbox-commit.subscriber';
import { InFlightMessages } from './consumer/in-flight';
import { ConsumerChannels } from './consumer/consumer-channels';
import { CONSUMER_TAG } from './consumer/consumer-options';
import { ConsumeScopeGuard } from './consumer/consume-scope';
import { ConsumerHealth } from './consumer/consumer-health';
import { MessagingMetrics } from './metrics/messaging.metrics';

const DEFAULT_DRAIN_TIMEOUT_MS = 10_000;

/**
 * Wires the outbox and the consumer guard to the ORM at start, and shuts messaging down in the
 * order that loses nothing: stop taking deliveries, let in-flight handlers commit (and ack), then
 * stop the relay after its current batch. Unsent outbox rows stay in the database for the next
 * start. In a service these steps are drainers of the ShutdownCoordinator, so SHUTDOWN_TIMEOUT_MS
 * bounds them all together; without one (a bare test module) they run before shutdown.
 */
@Injectable()
export class MessagingLifecycle implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(MessagingLifecycle.name);
  private drained = false;

  constructor(
    private readonly orm: MikroORM,
    private readonly relay: OutboxRelay,
    private readonly inFlight: InFlightMessages,
    private readonly channels: ConsumerChannels,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    private readonly consumerHealth: ConsumerHealth,
    @Optional() private readonly shutdown?: ShutdownCoordinator,
    @Optional() private readonly metrics?: MessagingMetrics,
  ) {}

  onModuleInit(): void {
    const events = this.orm.em.getEventManager();
    events.registerSubscriber(new OutboxCommitSubscriber(() => this.relay.poke()));
    events.registerSubscriber(new ConsumeScopeGuard());
    if (this.options.consumes) this.metrics?.setConsumerState(() => ({ up: this.consumerHealth.current.state === 'consuming' }));
    if (this.shutdown) {
      if (this.options.consumes) {
        this.shutdown.registerDrainer('stop consuming events', () => this.stopConsuming());
        this.shutdown.registerDrainer('finish in-flight events', () => this.finishInFlight());
      }
      this.shutdown.registerDrainer('stop outbox relay', async () => {
        await this.relay.stop();
        this.drained = true;
      });
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.drained) return;
    if (this.shutdown) {
      // The coordinator's deadline cut the drain short: stop the relay at least (idempotent).
      await this.relay.stop();
      return;
    }
    if (this.options.consumes) {
      await this.stopConsuming();
      await this.finishInFlight(this.options.shutdownTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS);
    }
    await this.relay.stop();
  }

  private stopConsuming(): Promise<void> {
    return this.channels.cancel(`${topologyNames(this.options).consumerQueue}.${CONSUMER_TAG}`);
  }

  /** Without a bound, the coordinator's deadline (SHUTDOWN_TIMEOUT_MS) cuts the wait short. */
  private async finishInFlight(timeoutMs?: number): Promise<void> {
    // Unacked messages are redelivered to another instance anyway.
    const drained = await this.inFlight.idle(timeoutMs);
    if (!drained) this.logger.warn(`${this.inFlight.size} messages still in flight at shutdown; they will be redelivered`);
  }
}
