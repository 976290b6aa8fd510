/**
 * A readiness check another library contributes (database ping, broker connected) without this
 * library knowing it: resolve when healthy (optionally with details), throw when not.
 */
export interface HealthIndicatorRegistration {
  name: string;
  check: (options: { signal: AbortSignal }) => Promise<void | Record<string, unknown>>;
  /** Per-check bound; default the module's `checkTimeoutMs`. */
  timeoutMs?: number;
}

export interface HealthModuleOptions {
  indicators?: HealthIndicatorRegistration[];
  /** A check slower than this counts as down; default 3000 ms. */
  checkTimeoutMs?: number;
  /**
   * Extra class decorators for the health controller, e.g. the auth lib's `Public()`. The
   * controller already carries `SetMetadata(PUBLIC_ROUTE_METADATA_KEY, true)`.
   */
  decorators?: ClassDecorator[];
}

/** Metadata key the auth guard reads to let a route through without a token. */
export const PUBLIC_ROUTE_METADATA_KEY = 'crm:public';

export const HEALTH_MODULE_OPTIONS = Symbol('crm.observability.health-options');

export enum HealthErrorCode {
  DuplicateIndicator = 'HEALTH.DUPLICATE_INDICATOR',
  InvalidIndicator = 'HEALTH.INVALID_INDICATOR',
}

export class HealthError extends Error {
  override readonly name = 'HealthError';
  constructor(
    readonly code: HealthErrorCode,
    message: string,
  ) {
    super(message);
  }
}
