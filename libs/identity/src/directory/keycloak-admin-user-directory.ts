import { isRole, type Role } from '@crm/contracts';
import { type DirectoryUser, displayName } from '../realm/realm-users';
import { DirectoryErrorCode, UserDirectoryError } from './directory.errors';
import { byName, matchesFilter, UserDirectory, type UserFilter } from './user-directory';

export interface KeycloakAdminUserDirectoryOptions {
  /** Keycloak base URL without /realms/… (AUTH_URL). */
  authUrl: string;
  realm?: string;
  /** Confidential client with realm-management view-users + query-users on its service account. */
  clientId: string;
  clientSecret: string;
  /** How long answers are reused; the directory feeds pickers, not authorization. */
  cacheTtlMs?: number;
  requestTimeoutMs?: number;
  pageSize?: number;
}

/** UserRepresentation as the admin API returns it (brief or full). */
interface KeycloakUser {
  id: string;
  username: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  enabled?: boolean;
  serviceAccountClientId?: string;
}

interface KeycloakRole {
  name: string;
}

/**
 * The users directory in production: Keycloak's admin REST API, called with the crm-gateway
 * service account's client-credentials token. Roles are the user's direct realm role mappings,
 * the same set `GET /roles/{role}/users` answers for.
 */
export class KeycloakAdminUserDirectory extends UserDirectory {
  private readonly base: string;
  private readonly realm: string;
  private readonly cacheTtlMs: number;
  private readonly timeoutMs: number;
  private readonly pageSize: number;
  private token?: { value: string; renewAt: number };
  private readonly cache = new Map<string, { expiresAt: number; value: Promise<unknown> }>();

  constructor(private readonly options: KeycloakAdminUserDirectoryOptions) {
    super();
    if (!options.clientSecret) {
      throw new UserDirectoryError(DirectoryErrorCode.NotConfigured, `Keycloak users directory needs the secret of client ${options.clientId}`);
    }
    this.base = options.authUrl.replace(/\/+$/, '');
    this.realm = options.realm ?? 'crm';
    this.cacheTtlMs = options.cacheTtlMs ?? 30_000;
    this.timeoutMs = options.requestTimeoutMs ?? 5_000;
    this.pageSize = options.pageSize ?? 100;
  }

  async listUsers(filter: UserFilter = {}): Promise<DirectoryUser[]> {
    const realmPath = `/admin/realms/${encodeURIComponent(this.realm)}`;
    const listPath = filter.role
      ? `${realmPath}/roles/${encodeURIComponent(filter.role)}/users?briefRepresentation=true`
      : `${realmPath}/users?briefRepresentation=true${filter.activeOnly ? '&enabled=true' : ''}`;
    const people = (await this.getAllPages(listPath)).filter(isPerson);
    const users = await Promise.all(people.map((user) => this.withRoles(user)));
    return users.filter((user) => matchesFilter(user, filter)).sort(byName);
  }

  async findUser(id: string): Promise<DirectoryUser | null> {
    const user = await this.getJson<KeycloakUser>(`/admin/realms/${encodeURIComponent(this.realm)}/users/${encodeURIComponent(id)}`, {
      notFoundAsNull: true,
    });
    return user && isPerson(user) ? this.withRoles(user) : null;
  }

  /** Forgets cached answers, e.g. after a role change made through this process. */
  clearCache(): void {
    this.cache.clear();
  }

  private async withRoles(user: KeycloakUser): Promise<DirectoryUser> {
    const path = `/admin/realms/${encodeURIComponent(this.realm)}/users/${encodeURIComponent(user.id)}/role-mappings/realm`;
    const roles = (await this.getJson<KeycloakRole[]>(path)) ?? [];
    return {
      id: user.id,
      username: user.username,
      name: displayName(user),
      ...(user.email ? { email: user.email } : {}),
      enabled: user.enabled !== false,
      roles: roles.map((r) => r.name).filter(isRole) as Role[],
    };
  }

  private async getAllPages(path: string): Promise<KeycloakUser[]> {
    const all: KeycloakUser[] = [];
    for (let first = 0; ; first += this.pageSize) {
      const page = (await this.getJson<KeycloakUser[]>(`${path}&first=${first}&max=${this.pageSize}`)) ?? [];
      all.push(...page);
      if (page.length < this.pageSize) return all;
    }
  }

  private getJson<T>(path: string, opts: { notFoundAsNull?: boolean } = {}): Promise<T | null> {
    const now = Date.now();
    const hit = this.cache.get(path);
    if (hit && hit.expiresAt > now) return hit.value as Promise<T | null>;
    const value = this.fetchJson<T>(path, opts);
    this.cache.set(path, { expiresAt: now + this.cacheTtlMs, value });
    // A failure must not be served from the cache.
    value.catch(() => this.cache.delete(path));
    return value;
  }

  private async fetchJson<T>(path: string, opts: { notFoundAsNull?: boolean }, retried = false): Promise<T | null> {
    const token = await this.accessToken();
    const response = await this.request(`${this.base}${path}`, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
    if (response.status === 401 && !retried) {
      // The token was revoked or the realm keys rotated: fetch a new one once.
      this.token = undefined;
      return this.fetchJson<T>(path, opts, true);
    }
    if (response.status === 404 && opts.notFoundAsNull) return null;
    if (!response.ok) {
      throw new UserDirectoryError(DirectoryErrorCode.Unavailable, `Keycloak admin API answered ${response.status} to GET ${path}`);
    }
    return (await response.json()) as T;
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.token.renewAt > Date.now()) return this.token.value;
    const url = `${this.base}/realms/${encodeURIComponent(this.realm)}/protocol/openid-connect/token`;
    const response = await this.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: this.options.clientId,
        client_secret: this.options.clientSecret,
      }).toString(),
    });
    if (!response.ok) {
      throw new UserDirectoryError(
        DirectoryErrorCode.Unavailable,
        `Keycloak refused client credentials of ${this.options.clientId} (${response.status})`,
      );
    }
    const body = (await response.json()) as { access_token?: string; expires_in?: number };
    if (!body.access_token) {
      throw new UserDirectoryError(DirectoryErrorCode.Unavailable, 'Keycloak token response has no access_token');
    }
    // Renew a little before expiry so that a request never leaves with a token about to lapse.
    const lifetimeMs = Math.max((body.expires_in ?? 60) - 10, 1) * 1000;
    this.token = { value: body.access_token, renewAt: Date.now() + lifetimeMs };
    return body.access_token;
  }

  private async request(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      throw new UserDirectoryError(DirectoryErrorCode.Unavailable, `Keycloak unreachable at ${url}: ${(error as Error).message}`);
    }
  }
}

function isPerson(user: KeycloakUser): boolean {
  return !user.serviceAccountClientId && !user.username.startsWith('service-account-');
}
