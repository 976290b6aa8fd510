import { DynamicModule, Global, Module } from '@nestjs/common';
import { MESSAGING_OPTIONS, MessagingOptions } from './messaging.options';
import { EventOutbox } from './outbox/event-outbox';
import { OutboxRelay } from './outbox/outbox-relay';
import { EventInbox } from './inbox/event-inbox';
import { InFlightMessages } from './consumer/in-flight';
import { ConsumerChannels } from './consumer/consumer-channels';
import { EventConsumerInterceptor } from './consumer/event-consumer.interceptor';
import { ConsumerRetries } from './consumer/consumer-retries';
import { ConsumerHealth } from './consumer/consumer-health';
import { MessagingLifecycle } from './messaging.lifecycle';
import { MessagingHousekeeping } from './housekeeping';
import { JobLeases } from './jobs/job-leases';
import { ScheduledJobs } from './jobs/scheduled-jobs';
import { MessagingMetrics } from './metrics/messaging.metrics';

/**
 * Reliable events for one service: EventOutbox to record events with state changes, the relay
 * that publishes them, and the inbox + interceptor behind @ConsumeEvent handlers. Needs the
 * service's MikroORM module (the outbox and inbox tables are in the service's own schema; add
 * MESSAGING_ENTITIES to its entities).
 */
@Global()
@Module({})
export class MessagingModule {
  static forService(options: MessagingOptions): DynamicModule {
    const providers = [
      { provide: MESSAGING_OPTIONS, useValue: options },
      EventOutbox,
      OutboxRelay,
      EventInbox,
      InFlightMessages,
      ConsumerChannels,
      EventConsumerInterceptor,
      ConsumerRetries,
      ConsumerHealth,
      MessagingLifecycle,
      MessagingHousekeeping,
      JobLeases,
      ScheduledJobs,
      MessagingMetrics,
    ];
    return {
      module: MessagingModule,
      providers,
      exports: [MESSAGING_OPTIONS, EventOutbox, OutboxRelay, EventInbox, InFlightMessages, EventConsumerInterceptor, ConsumerRetries, ConsumerChannels, ConsumerHealth, MessagingHousekeeping, JobLeases, ScheduledJobs, MessagingMetrics],
    };
  }
}
