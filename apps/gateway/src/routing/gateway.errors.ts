import { DomainError, ErrorKind } from '@crm/contracts';

export enum GatewayErrorCode {
  NoRoute = 'GATEWAY.NO_ROUTE',
  UpstreamUnavailable = 'GATEWAY.UPSTREAM_UNAVAILABLE',
  UpstreamTimeout = 'GATEWAY.UPSTREAM_TIMEOUT',
  RateLimited = 'GATEWAY.RATE_LIMITED',
}

const KIND: Record<GatewayErrorCode, ErrorKind> = {
  [GatewayErrorCode.NoRoute]: 'not_found',
  [GatewayErrorCode.UpstreamUnavailable]: 'unavailable',
  [GatewayErrorCode.UpstreamTimeout]: 'timeout',
  [GatewayErrorCode.RateLimited]: 'rate_limited',
};

export class GatewayError extends DomainError {
  constructor(
    code: GatewayErrorCode,
    message: string,
    /** Seconds, for 429 answers. */
    readonly retryAfter?: number,
  ) {
    super(code, KIND[code], message);
  }
}
