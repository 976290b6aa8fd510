import type { Role } from '@crm/contracts';

/**
 * Which service answers which part of the public API, and the roles the gateway demands before
 * forwarding (coarse; each service still checks roles and record ownership itself). A new service
 * adds its prefixes here and its URL to the gateway config.
 */
export interface RouteRule {
  /** First path segment after /api/v1, e.g. `opportunities`. */
  prefix: string;
  service: ServiceName;
  roles: readonly Role[];
}

export const SERVICE_NAMES = ['marketing'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export const ROUTES: readonly RouteRule[] = [{ prefix: 'opportunities', service: 'marketing', roles: ['supervisor', 'manager'] }];

export function findRoute(path: string): RouteRule | undefined {
  const segment = path.replace(/^\/+/, '').split(/[/?]/)[0];
  return ROUTES.find((route) => route.prefix === segment);
}
