import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import type { ServiceEnv } from '@crm/config';
import { AuthModule, Public } from '@crm/auth';
import { MessagingModule, MessagingOptions, OutboxRelay } from '@crm/messaging';
import { HealthModule, ObservabilityModule } from '@crm/observability';
import { PersistenceHealth, PersistenceModule, ServiceOrmInput } from '@crm/persistence';
import { ProblemDetailsFilter } from './http/problem-details.filter';
import { createValidationPipe } from './http/validation';
import { UserDirectoryModule } from './users/user-directory.module';
import { databaseIndicator, brokerIndicator } from './health-indicators';

export interface ServicePlatformOptions {
  service: string;
  env: ServiceEnv;
  orm: ServiceOrmInput;
  /** Whether the service consumes events (declares its queue and dead-letter queue). */
  consumes?: boolean;
}

export function messagingOptionsFor(service: string, env: ServiceEnv, consumes = false): MessagingOptions {
  return {
    service,
    amqpUrl: env.AMQP_URL,
    exchange: env.EVENTS_EXCHANGE,
    prefetch: env.AMQP_PREFETCH,
    deliveryLimit: env.AMQP_DELIVERY_LIMIT,
    outboxPollMs: env.OUTBOX_POLL_MS,
    retention: { outboxHours: env.OUTBOX_RETENTION_HOURS, inboxHours: env.INBOX_RETENTION_HOURS },
    consumes,
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
          otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
        }),
        PersistenceModule.forService(options.orm),
        MessagingModule.forService(messagingOptionsFor(service, env, options.consumes)),
        AuthModule.forRoot({ authUrl: env.AUTH_URL, realm: env.AUTH_REALM, clientId: env.AUTH_CLIENT_ID }),
        UserDirectoryModule.forRoot(env),
        HealthModule.forRootAsync({
          inject: [PersistenceHealth, OutboxRelay],
          useFactory: (database: PersistenceHealth, relay: OutboxRelay) => ({
            indicators: [databaseIndicator(database), brokerIndicator(relay)],
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
