import type { RealmExport } from '../realm/realm-export.schema';
import { loadRealmExport } from '../realm/load-realm-export';
import { type DirectoryUser, realmDirectoryUsers } from '../realm/realm-users';
import { byName, matchesFilter, UserDirectory, type UserFilter } from './user-directory';

/**
 * Users of the Keycloak realm export (embedded default and tests): the same people the dev
 * identity provider logs in, so ids in tokens and in the directory agree.
 */
export class RealmExportUserDirectory extends UserDirectory {
  private readonly users: DirectoryUser[];

  constructor(source: string | RealmExport) {
    super();
    this.users = realmDirectoryUsers(typeof source === 'string' ? loadRealmExport(source) : source);
  }

  async listUsers(filter?: UserFilter): Promise<DirectoryUser[]> {
    return this.users.filter((user) => matchesFilter(user, filter)).sort(byName).map(copy);
  }

  async findUser(id: string): Promise<DirectoryUser | null> {
    const user = this.users.find((u) => u.id === id);
    return user ? copy(user) : null;
  }
}

function copy(user: DirectoryUser): DirectoryUser {
  return { ...user, roles: [...user.roles] };
}
