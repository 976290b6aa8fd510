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

export const SERVICE_NAMES = ['marketing', 'customer'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

const EVERYONE: readonly Role[] = ['admin', 'supervisor', 'manager', 'executive'];

export const ROUTES: readonly RouteRule[] = [
  { prefix: 'opportunities', service: 'marketing', roles: ['supervisor', 'manager'] },
  // Everyone signed in reads customers (requirements "Record-level rule"); the service decides who changes them.
  { prefix: 'customers', service: 'customer', roles: EVERYONE },
  // Everyone reads the dictionary (select options); only admins change it, checked by the service.
  { prefix: 'dictionary', service: 'customer', roles: EVERYONE },
];

export function findRoute(path: string): RouteRule | undefined {
  const segment = path.replace(/^\/+/, '').split(/[/?]/)[0];
  return ROUTES.find((route) => route.prefix === segment);
}
