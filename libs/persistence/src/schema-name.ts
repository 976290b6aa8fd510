import { PersistenceError, PersistenceErrorCode } from './persistence.errors';

/**
 * Turns a service name such as `identity-dev` into a schema name (`identity_dev`) that needs no
 * quoting on PostgreSQL or SQL Server, so hand-written SQL and psql sessions stay simple.
 */
export function schemaNameFor(service: string): string {
  const name = service
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!name) {
    throw new PersistenceError(PersistenceErrorCode.InvalidService, `service name "${service}" yields no usable schema name`);
  }
  return /^[a-z]/.test(name) ? name : `s_${name}`;
}
