import { Inject, Injectable } from '@nestjs/common';
import { HEALTH_MODULE_OPTIONS, HealthError, HealthErrorCode, type HealthIndicatorRegistration, type HealthModuleOptions } from './health.types';

/**
 * The readiness checks of this process. Given to HealthModule.forRoot, or added by other modules
 * at start (`registry.register(...)` in onModuleInit), since HealthModule is global.
 */
@Injectable()
export class HealthRegistry {
  private readonly indicators = new Map<string, HealthIndicatorRegistration>();

  constructor(@Inject(HEALTH_MODULE_OPTIONS) options: HealthModuleOptions) {
    for (const indicator of options.indicators ?? []) this.register(indicator);
  }

  register(indicator: HealthIndicatorRegistration): void {
    if (!indicator || typeof indicator.name !== 'string' || !indicator.name || typeof indicator.check !== 'function') {
      throw new HealthError(HealthErrorCode.InvalidIndicator, 'A health indicator needs a non-empty name and a check function');
    }
    if (this.indicators.has(indicator.name)) {
      throw new HealthError(HealthErrorCode.DuplicateIndicator, `Health indicator "${indicator.name}" is already registered`);
    }
    this.indicators.set(indicator.name, indicator);
  }

  list(): HealthIndicatorRegistration[] {
    return [...this.indicators.values()];
  }
}
