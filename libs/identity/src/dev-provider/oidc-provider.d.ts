// oidc-provider 9 ships no type declarations (and @types/oidc-provider lags behind v9): this is
// the small surface the dev identity provider uses, checked against node_modules/oidc-provider/lib.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export type OidcContext = {
    oidc: {
      client?: OidcClient;
      params: Record<string, unknown>;
      session?: { accountId?: string; uid?: string; grantIdFor(clientId: string): string | undefined };
      result?: { consent?: { grantId?: string } };
      resourceServers: Record<string, unknown>;
      entity(name: string, value: unknown): void;
      requestParamScopes: Set<string>;
    };
    body: unknown;
    status: number;
    type: string;
    host: string;
    get(header: string): string;
  };

  export interface OidcClient {
    clientId: string;
    grantTypeAllowed(grant: string): boolean;
    redirectUris: string[];
    postLogoutRedirectUris: string[];
    redirectUriAllowed(value: string): boolean;
    postLogoutRedirectUriAllowed(value: string): boolean;
  }

  export interface OidcModel {
    save(): Promise<string>;
    destroy(): Promise<void>;
  }

  export interface GrantModel extends OidcModel {
    jti: string;
    accountId: string;
    clientId: string;
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    addResourceScope(resource: string, scope: string): void;
    getResourceScopeFiltered(resource: string, scopes: string[]): string;
  }

  export interface TokenModel extends OidcModel {
    jti: string;
    accountId?: string;
    clientId: string;
    grantId?: string;
    scope?: string;
    expiration: number;
    resourceServer?: unknown;
    tokenType?: string;
  }

  export interface StructuredToken {
    header?: Record<string, unknown>;
    payload: Record<string, unknown>;
  }

  export interface Account {
    accountId: string;
    claims(use: string, scope: string, claims?: unknown, rejected?: string[]): Promise<Record<string, unknown>>;
  }

  export interface ModelClass<T> {
    new (properties: Record<string, unknown>): T;
    find(value: string, options?: { ignoreExpiration?: boolean }): Promise<T | undefined>;
  }

  export class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    issuer: string;
    proxy: boolean;
    Grant: ModelClass<GrantModel>;
    AccessToken: ModelClass<TokenModel>;
    RefreshToken: ModelClass<TokenModel>;
    IdToken: new (claims: Record<string, unknown>, options: { ctx: OidcContext }) => {
      scope: string;
      set(name: string, value: unknown): void;
      issue(options: { use: 'idtoken' }): Promise<string>;
    };
    ResourceServer: new (identifier: string, info: Record<string, unknown>) => unknown;
    Client: { prototype: OidcClient; find(id: string): Promise<OidcClient | undefined> };
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    registerGrantType(name: string, handler: (ctx: OidcContext) => Promise<void>, params?: string[] | Set<string>): void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<{
      uid: string;
      prompt: { name: string; reasons: string[] };
      params: Record<string, unknown>;
      session?: { accountId?: string };
    }>;
    interactionFinished(req: IncomingMessage, res: ServerResponse, result: Record<string, unknown>, options?: { mergeWithLastSubmission?: boolean }): Promise<void>;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }

  export const errors: {
    InvalidGrant: new (detail?: string) => Error & { status: number; statusCode: number };
    InvalidTarget: new (detail?: string) => Error;
    InvalidRequest: new (detail?: string) => Error;
    CustomOIDCProviderError: new (error: string, description?: string) => Error & {
      status: number;
      statusCode: number;
      error_description?: string;
    };
  };
}
