import { isRole, type Role } from '@crm/contracts';
import type { RealmExport, RealmUser } from './realm-export.schema';

/** A person of the realm as the CRM sees them (assignee pickers, "is this an active manager"). */
export interface DirectoryUser {
  id: string;
  username: string;
  /** Display name, like Keycloak's `name` claim: "firstName lastName", else the username. */
  name: string;
  email?: string;
  enabled: boolean;
  roles: Role[];
}

export function displayName(user: { username: string; firstName?: string; lastName?: string }): string {
  const full = [user.firstName, user.lastName].filter((part) => part && part.trim()).join(' ').trim();
  return full || user.username;
}

/**
 * Every realm role the user holds, composites expanded (Keycloak puts the expanded set in
 * `realm_access.roles`, e.g. default-roles-crm → offline_access, uma_authorization).
 */
export function effectiveRealmRoles(realm: RealmExport, user: RealmUser): string[] {
  const byName = new Map(realm.roles.realm.map((role) => [role.name, role]));
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const child of byName.get(name)?.composites?.realm ?? []) visit(child);
  };
  user.realmRoles.forEach(visit);
  return [...seen];
}

/** Service-account users belong to clients, not people: they never appear in the directory. */
export function isPersonUser(user: RealmUser): boolean {
  return !user.serviceAccountClientId && !user.username.startsWith('service-account-');
}

export function toDirectoryUser(realm: RealmExport, user: RealmUser): DirectoryUser {
  return {
    id: user.id,
    username: user.username,
    name: displayName(user),
    ...(user.email ? { email: user.email } : {}),
    enabled: user.enabled,
    roles: effectiveRealmRoles(realm, user).filter(isRole),
  };
}

export function realmDirectoryUsers(realm: RealmExport): DirectoryUser[] {
  return realm.users.filter(isPersonUser).map((user) => toDirectoryUser(realm, user));
}

/**
 * Keycloak matches usernames case-insensitively (it stores them lower-cased) and, with
 * loginWithEmailAllowed, the email address too.
 */
export function findRealmUserByUsername(realm: RealmExport, username: string): RealmUser | undefined {
  const wanted = username.trim().toLowerCase();
  if (!wanted) return undefined;
  return realm.users.find(
    (user) => isPersonUser(user) && (user.username.toLowerCase() === wanted || user.email?.toLowerCase() === wanted),
  );
}

export function checkRealmPassword(user: RealmUser, password: string): boolean {
  // The realm export holds demo passwords in clear (`credentials[].value`), as Keycloak imports them.
  return user.credentials.some((c) => c.type === 'password' && c.value !== undefined && c.value === password);
}
