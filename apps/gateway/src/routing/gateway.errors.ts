import { codedErrors } from '@crm/contracts';

export enum GatewayErrorCode {
  NoRoute = 'GATEWAY.NO_ROUTE',
  UpstreamUnavailable = 'GATEWAY.UPSTREAM_UNAVAILABLE',
  UpstreamTimeout = 'GATEWAY.UPSTREAM_TIMEOUT',
  RateLimited = 'GATEWAY.RATE_LIMITED',
  UploadTooLarge = 'GATEWAY.UPLOAD_TOO_LARGE',
}

export class GatewayError extends codedErrors<GatewayErrorCode>({
  [GatewayErrorCode.NoRoute]: 'not_found',
  [GatewayErrorCode.UpstreamUnavailable]: 'unavailable',
  [GatewayErrorCode.UpstreamTimeout]: 'timeout',
  [GatewayErrorCode.RateLimited]: 'rate_limited',
  [GatewayErrorCode.UploadTooLarge]: 'too_large',
}) {
  /** Seconds until a retry may succeed, for 429 answers (sent as Retry-After). */
  retryAfter?: number;

  static rateLimited(waitSeconds: number): GatewayError {
    const error = new GatewayError(GatewayErrorCode.RateLimited, `Too many requests; retry in ${waitSeconds} s.`);
    error.retryAfter = waitSeconds;
    return error;
  }
}
