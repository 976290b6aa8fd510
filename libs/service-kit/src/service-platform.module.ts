import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import type { ServiceEnv } from '@crm/config';
import { AuthModule, Public } from '@crm/auth';
import { ConsumerHealth, MessagingModule, MessagingOptions, OutboxRelay } from '@crm/messaging';
import { HealthModule, ObservabilityModule } from '@crm/observability';
import { PersistenceHealth, PersistenceModule, ServiceOrmInput } from '@crm/persistence';
import { ProblemDetailsFilter } from './http/problem-details.filter';
import { createValidationPipe } from './http/validation';
import { UserDirectoryModule } from './users/user-directory.module';
import { brokerIndicator, consumerIndicator, databaseIndicator } from './health-indicators';

export interface ServicePlatformOptions {
  service: string;
  env: ServiceEnv;
  orm: ServiceOrmInput;
  /** Whether the service consumes events (declares its queue and dead-letter queue). */
  consumes?: boolean;
}

/**
 * Event handlers and HTTP share the database pool: handlers get at most half of it (and never
 * more than the prefetch), so a burst of events cannot starve requests.
 */
export function consumerConcurrency(env: ServiceEnv): number {
  const share = Math.max(1, Math.floor(env.DB_POOL_MAX / 2));
  const wanted = env.AMQP_CONSUMER_CONCURRENCY ?? Math.min(env.AMQP_PREFETCH, share);
  if (wanted > share) {
    throw new Error(
      `AMQP_CONSUMER_CONCURRENCY=${wanted} would let event handlers take more than half of DB_POOL_MAX=${env.DB_POOL_MAX}; raise DB_POOL_MAX or lower it`,
    );
  }
  return wanted;
}

export function messagingOptionsFor(service: string, env: ServiceEnv, consumes = false): MessagingOptions {
  return {
    service,
    amqpUrl: env.AMQP_URL,
    exchange: env.EVENTS_EXCHANGE,
    queuePrefix: env.AMQP_QUEUE_PREFIX,
    prefetch: env.AMQP_PREFETCH,
    deliveryLimit: env.AMQP_DELIVERY_LIMIT,
    outboxPollMs: env.OUTBOX_POLL_MS,
    retention: { outboxHours: env.OUTBOX_RETENTION_HOURS, inboxHours: env.INBOX_RETENTION_HOURS },
    consumes,
    consumer: {
      concurrency: consumerConcurrency(env),
      handlerTimeoutMs: env.AMQP_HANDLER_TIMEOUT_MS,
      transientRetryMinutes: env.AMQP_TRANSIENT_RETRY_MINUTES,
    },
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
  };
}

/**
 * Everything a domain service stands on, in one import: JSON logs, tracing and correlation ids,
 * its own database (request-scoped EntityManager), reliable events, token verification on every
 * route, the users directory, health endpoints, problem+json errors and strict validation. A
 * service's AppModule is this plus its feature modules.
 */
@Module({})
export class ServicePlatformModule {
  static forService(options: ServicePlatformOptions): DynamicModule {
    const { service, env } = options;
    return {
      module: ServicePlatformModule,
      imports: [
        ObservabilityModule.forRoot({
          serviceName: service,
          logLevel: env.LOG_LEVEL,
          shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
          shutdownDrainDelayMs: env.SHUTDOWN_DRAIN_DELAY_MS,
          otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
        }),
        PersistenceModule.forService(options.orm),
        MessagingModule.forService(messagingOptionsFor(service, env, options.consumes)),
        AuthModule.forRoot({ authUrl: env.AUTH_URL, realm: env.AUTH_REALM, clientId: env.AUTH_CLIENT_ID }),
        UserDirectoryModule.forRoot(env),
        HealthModule.forRootAsync({
          inject: [PersistenceHealth, OutboxRelay, ConsumerHealth],
          useFactory: (database: PersistenceHealth, relay: OutboxRelay, consumer: ConsumerHealth) => ({
            indicators: [
              databaseIndicator(database),
              brokerIndicator(relay),
              ...(options.consumes ? [consumerIndicator(consumer)] : []),
            ],
          }),
          decorators: [Public()],
        }),
      ],
      providers: [
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
    };
  }
}
