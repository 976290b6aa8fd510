/** Realm roles of realm `crm` (requirements "Scope and actors"); carried in `realm_access.roles`. */
export const ROLES = ['admin', 'supervisor', 'manager', 'executive'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** A user reference in responses and events: `{id, name}` (contract "HTTP conventions"). */
export interface UserRef {
  id: string;
  name: string;
}
