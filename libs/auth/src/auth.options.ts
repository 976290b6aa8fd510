/** What a process needs to verify Keycloak access tokens (see `authEnv` in @crm/config). */
export interface AuthModuleOptions {
  /** Keycloak base URL without `/realms/...`, e.g. http://localhost:8080. */
  authUrl: string;
  realm: string;
  /** This process's client id (Keycloak "resource"). */
  clientId: string;
  /** When set, `aud` must contain it. */
  audience?: string;
  /** When set, `azp` (the client the user signed in with) must be one of them. */
  allowedClients?: string[];
}

export const AUTH_MODULE_OPTIONS = Symbol('AUTH_MODULE_OPTIONS');
