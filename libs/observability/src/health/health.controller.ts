import { Controller, Get, Inject, Optional, Res, ServiceUnavailableException, SetMetadata } from '@nestjs/common';
import { HealthCheck, type HealthCheckResult, HealthCheckService, type HealthIndicatorFunction, HealthIndicatorService } from '@nestjs/terminus';
import { ApiOperation } from '@nestjs/swagger';
import { ShutdownCoordinator } from '../shutdown/shutdown-coordinator';
import { HealthRegistry } from './health.registry';
import { HEALTH_MODULE_OPTIONS, type HealthModuleOptions, PUBLIC_ROUTE_METADATA_KEY } from './health.types';

const DEFAULT_CHECK_TIMEOUT_MS = 3000;

/** The part of Fastify's (or Express's) reply the controller needs. */
interface StatusReply {
  status(code: number): unknown;
}

const SHUTTING_DOWN: HealthCheckResult = { status: 'shutting_down', info: {}, error: {}, details: {} };

/**
 * Liveness and readiness probes. The controller writes terminus's body itself, so an app-wide
 * exception filter (problem+json) does not reshape the 503 that orchestrators and humans read.
 */
@SetMetadata(PUBLIC_ROUTE_METADATA_KEY, true)
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly registry: HealthRegistry,
    @Inject(HEALTH_MODULE_OPTIONS) private readonly options: HealthModuleOptions,
    @Optional() private readonly shutdown?: ShutdownCoordinator,
  ) {}

  @ApiOperation({ summary: 'Liveness: the process runs (no token)' })
  @Get('live')
  @HealthCheck()
  async live(@Res({ passthrough: true }) reply: StatusReply): Promise<HealthCheckResult> {
    return this.respond(reply, () => this.health.check([]));
  }

  @ApiOperation({ summary: 'Readiness: the database answers; broker and consumer reported (no token)' })
  @Get('ready')
  @HealthCheck()
  async ready(@Res({ passthrough: true }) reply: StatusReply): Promise<HealthCheckResult> {
    const checks: HealthIndicatorFunction[] = this.registry.list().map(
      (indicator) => () =>
        this.indicators
          .check(indicator.name)
          .attempt((options) => indicator.check(options))
          .withTimeout(indicator.timeoutMs ?? this.options.checkTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS),
    );
    return this.respond(reply, () => this.health.check(checks));
  }

  private async respond(reply: StatusReply, run: () => Promise<HealthCheckResult>): Promise<HealthCheckResult> {
    // Once shutdown began the process must leave the load balancer, whatever its checks say.
    if (this.shutdown?.isShuttingDown) {
      reply.status(503);
      return SHUTTING_DOWN;
    }
    try {
      return await run();
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      reply.status(503);
      return error.getResponse() as HealthCheckResult;
    }
  }
}
