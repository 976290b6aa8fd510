import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { AuthModule, Public } from '@crm/auth';
import { HealthModule, ObservabilityModule } from '@crm/observability';
import { createValidationPipe, ProblemDetailsFilter, UserDirectoryModule } from '@crm/service-kit/http';
import { DeadLettersController } from './admin/dead-letters.controller';
import { DeadLettersService } from './admin/dead-letters.service';
import { GATEWAY_CONFIG, GatewayConfig } from './config/gateway.config';
import { OpenApiAggregator } from './docs/openapi-aggregator';
import { RateLimitInterceptor } from './rate-limit/rate-limit.interceptor';
import { ProxyController } from './routing/proxy.controller';
import { UpstreamClient, UpstreamPool } from './routing/upstream.client';
import { UsersController } from './users/users.controller';

/**
 * The API gateway: verifies tokens, enforces roles per route, limits each user's rate, answers
 * the users directory itself and forwards everything else to the owning service over HTTP. It
 * has no database and holds no broker connection (the admin dead-letter endpoint connects per
 * call), so neither can take it down.
 */
@Module({})
export class AppModule {
  static register(config: GatewayConfig): DynamicModule {
    const env = config.env;
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({
          serviceName: 'gateway',
          logLevel: env.LOG_LEVEL,
          shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
          otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
        }),
        AuthModule.forRoot({ authUrl: env.AUTH_URL, realm: env.AUTH_REALM, clientId: env.AUTH_CLIENT_ID }),
        UserDirectoryModule.forRoot(env),
        HealthModule.forRoot({ indicators: [], decorators: [Public()] }),
      ],
      // Order matters: the catch-all proxy comes after the routes the gateway answers itself.
      controllers: [UsersController, DeadLettersController, ProxyController],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        UpstreamPool,
        UpstreamClient,
        OpenApiAggregator,
        DeadLettersService,
        { provide: APP_INTERCEPTOR, useClass: RateLimitInterceptor },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
    };
  }
}
