import type { Account } from 'oidc-provider';
import type { RealmExport, RealmUser } from '../realm/realm-export.schema';
import { checkRealmPassword, displayName, effectiveRealmRoles, findRealmUserByUsername } from '../realm/realm-users';

export type CredentialCheck =
  | { ok: true; user: RealmUser }
  | { ok: false; reason: 'invalid_credentials' | 'disabled' };

/** The realm's users as OIDC accounts: the claims Keycloak's default client scopes put in tokens. */
export class RealmAccounts {
  constructor(readonly realm: RealmExport) {}

  /** Disabled users are no accounts at all: their codes and refresh tokens stop working. */
  findActiveUser(id: string): RealmUser | undefined {
    return this.realm.users.find((u) => u.id === id && u.enabled && !u.serviceAccountClientId);
  }

  checkCredentials(username: string, password: string): CredentialCheck {
    const user = findRealmUserByUsername(this.realm, username);
    if (!user || !checkRealmPassword(user, password)) return { ok: false, reason: 'invalid_credentials' };
    // Like Keycloak, a disabled account is reported only after the password proved the caller knows it.
    if (!user.enabled) return { ok: false, reason: 'disabled' };
    return { ok: true, user };
  }

  claimsOf(user: RealmUser): Record<string, unknown> {
    return {
      sub: user.id,
      preferred_username: user.username,
      name: displayName(user),
      given_name: user.firstName,
      family_name: user.lastName,
      email: user.email,
      email_verified: user.emailVerified ?? false,
      realm_access: { roles: effectiveRealmRoles(this.realm, user) },
    };
  }

  toAccount(user: RealmUser): Account {
    return {
      accountId: user.id,
      claims: async () => this.claimsOf(user),
    };
  }
}
