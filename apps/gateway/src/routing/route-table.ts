import type { Role } from '@crm/contracts';

/**
 * Which service answers which part of the public API, and the roles the gateway demands before
 * forwarding (coarse; each service still checks roles and record ownership itself). A new service
 * adds its prefixes here and its URL to the gateway config.
 */
export interface RouteRule {
  /** First path segment after /api/v1, e.g. `opportunities`. */
  prefix: string;
  /**
   * A narrower rule inside a prefix another service owns, matched on the whole path after
   * /api/v1 (without the query): a customer's orders are the sales bridge's, not the customer
   * service's. Rules are tried in order, so a narrower rule comes before its prefix's.
   */
  path?: RegExp;
  service: ServiceName;
  roles: readonly Role[];
}

export const SERVICE_NAMES = ['marketing', 'customer', 'sales-bridge', 'service-desk', 'reporting'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

const EVERYONE: readonly Role[] = ['admin', 'supervisor', 'manager', 'executive'];

export const ROUTES: readonly RouteRule[] = [
  { prefix: 'opportunities', service: 'marketing', roles: ['supervisor', 'manager'] },
  // A customer's order history comes from the sales system, through the bridge (requirements §2.4).
  { prefix: 'customers', path: /^customers\/[^/]+\/orders(\/[^/]+)?\/?$/, service: 'sales-bridge', roles: EVERYONE },
  // Everyone signed in reads customers (requirements "Record-level rule"); the service decides who changes them.
  { prefix: 'customers', service: 'customer', roles: EVERYONE },
  // Everyone reads the dictionary (select options); only admins change it, checked by the service.
  { prefix: 'dictionary', service: 'customer', roles: EVERYONE },
  // Churn records: managers see their own customers' (checked by the service), supervisors and executives all; admins scan.
  { prefix: 'churn-records', service: 'customer', roles: EVERYONE },
  // Base data from the sales system (requirements §5): managers and supervisors.
  { prefix: 'products', service: 'sales-bridge', roles: ['manager', 'supervisor'] },
  { prefix: 'inventory', service: 'sales-bridge', roles: ['manager', 'supervisor'] },
  // The service desk (requirements §3): managers create, handle and give feedback, supervisors assign; both query the archive.
  { prefix: 'service-tickets', service: 'service-desk', roles: ['supervisor', 'manager'] },
  // Reports (requirements §4) are the supervisors' and executives'; rebuilding the read models is an admin's operation.
  { prefix: 'reports', path: /^reports\/rebuild\/?$/, service: 'reporting', roles: ['admin'] },
  { prefix: 'reports', service: 'reporting', roles: ['supervisor', 'executive'] },
];

export function findRoute(path: string): RouteRule | undefined {
  const relative = path.replace(/^\/+/, '').split('?')[0];
  const segment = relative.split('/')[0];
  return ROUTES.find((route) => route.prefix === segment && (!route.path || route.path.test(relative)));
}
