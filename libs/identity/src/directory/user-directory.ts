import type { Role } from '@crm/contracts';
import type { DirectoryUser } from '../realm/realm-users';

export interface UserFilter {
  role?: Role;
  /** Only users who can log in (Keycloak `enabled`). */
  activeOnly?: boolean;
}

/**
 * Where people and their realm roles come from. Abstract class rather than interface so that it
 * can serve as a Nest injection token.
 */
export abstract class UserDirectory {
  abstract listUsers(filter?: UserFilter): Promise<DirectoryUser[]>;
  abstract findUser(id: string): Promise<DirectoryUser | null>;
}

export function matchesFilter(user: DirectoryUser, filter: UserFilter = {}): boolean {
  if (filter.activeOnly && !user.enabled) return false;
  if (filter.role && !user.roles.includes(filter.role)) return false;
  return true;
}

export function byName(a: DirectoryUser, b: DirectoryUser): number {
  return a.name.localeCompare(b.name) || a.username.localeCompare(b.username);
}
