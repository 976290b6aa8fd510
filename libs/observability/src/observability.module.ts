import { type DynamicModule, Inject, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { APP_INTERCEPTOR, HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { type HttpObservabilityOptions, installHttpObservability } from './http/http-hooks';
import { HttpTracingInterceptor } from './http/http-tracing.interceptor';
import { JsonLogger } from './logging/json-logger';
import type { LogLevelName } from './logging/log-record';
import { HttpMetrics } from './metrics/http-metrics';
import { installMetricsEndpoint } from './metrics/metrics-endpoint';
import { MetricsRegistry } from './metrics/metrics-registry';
import { SHUTDOWN_OPTIONS, ShutdownCoordinator } from './shutdown/shutdown-coordinator';
import { initTracing, type TracingOptions, tracingHandle } from './tracing/init-tracing';
import { otlpSpanProcessor } from './tracing/otlp-export';

export interface ObservabilityModuleOptions {
  /** `service` on log lines and `service.name` on spans. */
  serviceName: string;
  /** LOG_LEVEL; default info. */
  logLevel?: LogLevelName;
  /** SHUTDOWN_TIMEOUT_MS: bound for all shutdown drainers together; default 10 000. */
  shutdownTimeoutMs?: number;
  /** SHUTDOWN_DRAIN_DELAY_MS: HTTP keeps serving this long after readiness turned 503; default 0. */
  shutdownDrainDelayMs?: number;
  http?: HttpObservabilityOptions;
  /** Span processors etc.; ignored when tracing was already initialised (tests do it first). */
  tracing?: Omit<TracingOptions, 'serviceName'>;
  /** OTEL_EXPORTER_OTLP_ENDPOINT: when set, spans are exported there over OTLP/HTTP. */
  otlpEndpoint?: string;
}

const MODULE_OPTIONS = Symbol('crm.observability.options');

/**
 * Logging, tracing, correlation, metrics (GET /metrics) and graceful shutdown for one process.
 * Global: JsonLogger, ShutdownCoordinator and MetricsRegistry can be injected anywhere. Import it
 * once in the root module; in main.ts
 * `NestFactory.create(AppModule, new FastifyAdapter(), { bufferLogs: true })`, then
 * `app.useLogger(app.get(JsonLogger))` and `app.enableShutdownHooks()`.
 */
@Module({})
export class ObservabilityModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(MODULE_OPTIONS) private readonly options: ObservabilityModuleOptions,
    private readonly metrics: MetricsRegistry,
    private readonly httpMetrics: HttpMetrics,
  ) {}

  static forRoot(options: ObservabilityModuleOptions): DynamicModule {
    const exporters = options.otlpEndpoint ? [otlpSpanProcessor(options.otlpEndpoint)] : [];
    initTracing({
      serviceName: options.serviceName,
      ...options.tracing,
      spanProcessors: [...(options.tracing?.spanProcessors ?? []), ...exporters],
    });
    const metrics = new MetricsRegistry(options.serviceName);
    return {
      module: ObservabilityModule,
      global: true,
      providers: [
        { provide: MODULE_OPTIONS, useValue: options },
        { provide: JsonLogger, useValue: new JsonLogger({ service: options.serviceName, level: options.logLevel }) },
        { provide: SHUTDOWN_OPTIONS, useValue: { timeoutMs: options.shutdownTimeoutMs ?? 10_000, drainDelayMs: options.shutdownDrainDelayMs ?? 0 } },
        ShutdownCoordinator,
        { provide: MetricsRegistry, useValue: metrics },
        { provide: HttpMetrics, useValue: new HttpMetrics(metrics) },
        { provide: APP_INTERCEPTOR, useClass: HttpTracingInterceptor },
      ],
      exports: [JsonLogger, ShutdownCoordinator, MetricsRegistry],
    };
  }

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    // Only the Fastify adapter is used in this project; a plain application context has no HTTP.
    if (adapter?.getType() === 'fastify') {
      const fastify = adapter.getInstance<FastifyInstance>();
      installHttpObservability(fastify, this.options.http, this.httpMetrics);
      installMetricsEndpoint(fastify, this.metrics);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    // Spans of the last requests and messages must leave before the process does.
    await tracingHandle()?.forceFlush();
  }
}
