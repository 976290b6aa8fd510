import { Inject, Injectable, Logger, OnApplicationShutdown, Optional } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { MetricsRegistry } from '@crm/observability';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { MESSAGING_OPTIONS, MessagingOptions, topologyNames } from '../messaging.options';
import { OutboxMessage } from '../outbox/outbox-message.entity';
import { BoundedCollection } from './bounded-collection';
import { QueueDepthProbe } from './queue-depth-probe';

export const MESSAGING_METRIC_NAMES = {
  consumed: 'crm_events_consumed_total',
  handlerDuration: 'crm_event_handler_duration_seconds',
  published: 'crm_events_published_total',
  publishFailures: 'crm_events_publish_failures_total',
  outboxBacklog: 'crm_outbox_backlog',
  outboxOldestAge: 'crm_outbox_oldest_unsent_age_seconds',
  queueMessages: 'crm_queue_messages',
  consumerUp: 'crm_consumer_up',
  collectFailures: 'crm_metrics_collect_failures_total',
} as const;

export type ConsumeOutcome = 'applied' | 'duplicate' | 'retried' | 'dead_lettered' | 'invalid';

/** 5 ms … 30 s: a handler may run up to the consumer's handler timeout (30 s by default). */
const HANDLER_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

interface OutboxSnapshot {
  backlog: number;
  oldestAgeSeconds: number;
}

/**
 * What an operator needs to see of a service's events: consumer throughput, handler latency and
 * failures by event type, the relay's publish rate, and — measured at scrape time — the outbox
 * backlog with the age of its oldest unsent row, and the depth of the service's queues (consumer,
 * retry, dead-letter, unrouted). The consumer interceptor and the relay report through the
 * methods; nothing here changes how messages flow.
 */
@Injectable()
export class MessagingMetrics implements OnApplicationShutdown {
  private readonly logger = new Logger(MessagingMetrics.name);
  private readonly consumedTotal: Counter<'event_type' | 'outcome'>;
  private readonly handlerDuration: Histogram<'event_type'>;
  private readonly publishedTotal: Counter<'event_type'>;
  private readonly publishFailures: Counter<'event_type'>;
  private readonly collectFailures: Counter<'source'>;
  private readonly probe: QueueDepthProbe;
  private readonly outbox: BoundedCollection<OutboxSnapshot>;
  private readonly queueDepths: BoundedCollection<Map<string, number>>;
  private consumerState: (() => { up: boolean }) | null = null;

  constructor(
    private readonly orm: MikroORM,
    @Inject(MESSAGING_OPTIONS) options: MessagingOptions,
    // Absent only where no ObservabilityModule is imported (library tests): nothing is served
    // then, and a private registry keeps the recording calls valid.
    @Optional() @Inject(MetricsRegistry) metrics?: MetricsRegistry,
  ) {
    const registers = [(metrics ?? new MetricsRegistry(options.service, { defaultMetrics: false })).registry];
    this.consumedTotal = new Counter({
      name: MESSAGING_METRIC_NAMES.consumed,
      help: 'Events taken off the consumer queue, by event type and outcome (applied, duplicate, retried, dead_lettered, invalid).',
      labelNames: ['event_type', 'outcome'],
      registers,
    });
    this.handlerDuration = new Histogram({
      name: MESSAGING_METRIC_NAMES.handlerDuration,
      help: 'Time to process one delivered event (validation, inbox, handler, commit), by event type.',
      labelNames: ['event_type'],
      buckets: HANDLER_BUCKETS,
      registers,
    });
    this.publishedTotal = new Counter({
      name: MESSAGING_METRIC_NAMES.published,
      help: 'Events the outbox relay published and the broker confirmed, by event type.',
      labelNames: ['event_type'],
      registers,
    });
    this.publishFailures = new Counter({
      name: MESSAGING_METRIC_NAMES.publishFailures,
      help: 'Publish attempts of the outbox relay that failed (nack, unroutable, timeout, no connection); the row is retried.',
      labelNames: ['event_type'],
      registers,
    });
    this.collectFailures = new Counter({
      name: MESSAGING_METRIC_NAMES.collectFailures,
      help: 'Scrape-time measurements that failed or timed out (source: outbox, broker); their gauges keep the last value (outbox) or are left out (queues).',
      labelNames: ['source'],
      registers,
    });

    const onFailure = (source: 'outbox' | 'broker') => (error: unknown) => {
      this.collectFailures.inc({ source });
      this.logger.warn(`metrics: could not measure ${source}: ${error instanceof Error ? error.message : String(error)}`);
    };
    this.outbox = new BoundedCollection(() => this.measureOutbox(), onFailure('outbox'));
    this.probe = new QueueDepthProbe(options.amqpUrl, `${options.service}-metrics`);
    const queues = this.queuesOf(options);
    this.queueDepths = new BoundedCollection(() => this.probe.depths(queues), onFailure('broker'));
    this.registerGauges(registers);
  }

  consumed(eventType: string, outcome: ConsumeOutcome, seconds: number): void {
    this.consumedTotal.inc({ event_type: eventType, outcome });
    this.handlerDuration.observe({ event_type: eventType }, seconds);
  }

  published(eventType: string, count = 1): void {
    this.publishedTotal.inc({ event_type: eventType }, count);
  }

  publishFailed(eventType: string): void {
    this.publishFailures.inc({ event_type: eventType });
  }

  /** Where `crm_consumer_up` comes from; until set (or in a service that does not consume) it is 1. */
  setConsumerState(state: () => { up: boolean }): void {
    this.consumerState = state;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.probe.close();
  }

  private registerGauges(registers: Registry[]): void {
    const backlog: Gauge = new Gauge({
      name: MESSAGING_METRIC_NAMES.outboxBacklog,
      help: 'Outbox rows not yet confirmed by the broker.',
      registers,
      collect: async () => {
        const snapshot = await this.outbox.get();
        if (snapshot) backlog.set(snapshot.backlog);
      },
    });
    const oldestAge: Gauge = new Gauge({
      name: MESSAGING_METRIC_NAMES.outboxOldestAge,
      help: 'Seconds since the oldest unsent outbox event happened; 0 when none is waiting.',
      registers,
      collect: async () => {
        const snapshot = await this.outbox.get();
        if (snapshot) oldestAge.set(snapshot.oldestAgeSeconds);
      },
    });
    const depth: Gauge<'queue'> = new Gauge({
      name: MESSAGING_METRIC_NAMES.queueMessages,
      help: 'Messages ready in the queues this service relies on (consumer, retry, dead-letter, unrouted).',
      labelNames: ['queue'],
      registers,
      collect: async () => {
        const depths = await this.queueDepths.get();
        // Unknown is left out rather than shown as 0 (an empty DLQ) or as a stale number.
        depth.reset();
        for (const [queue, messages] of depths ?? []) depth.set({ queue }, messages);
      },
    });
    const consumerUp: Gauge = new Gauge({
      name: MESSAGING_METRIC_NAMES.consumerUp,
      help: '1 while the event consumer is connected and consuming (always 1 in a service that consumes nothing).',
      registers,
      collect: () => {
        try {
          consumerUp.set(!this.consumerState || this.consumerState().up ? 1 : 0);
        } catch {
          consumerUp.set(0);
        }
      },
    });
  }

  private queuesOf(options: MessagingOptions): string[] {
    const names = topologyNames(options);
    if (!options.consumes) return [names.unroutedQueue];
    return [names.consumerQueue, ...names.retryQueues.map(({ queue }) => queue), names.deadLetterQueue, names.unroutedQueue];
  }

  private async measureOutbox(): Promise<OutboxSnapshot> {
    const em = this.orm.em.fork();
    const backlog = await em.count(OutboxMessage, { sentAt: null });
    const oldest = await em.findOne(OutboxMessage, { sentAt: null }, { orderBy: { time: 'asc' }, fields: ['time'] });
    return { backlog, oldestAgeSeconds: oldest ? Math.max(0, (Date.now() - oldest.time.getTime()) / 1000) : 0 };
  }
}
