import { DynamicModule, Global, Module } from '@nestjs/common';
import { resolve } from 'node:path';
import type { ServiceEnv } from '@crm/config';
import { KeycloakAdminUserDirectory, RealmExportUserDirectory, UserDirectory } from '@crm/identity';

type DirectoryEnv = Pick<ServiceEnv, 'USER_DIRECTORY' | 'REALM_FILE' | 'AUTH_URL' | 'AUTH_REALM' | 'KEYCLOAK_ADMIN_CLIENT_ID' | 'KEYCLOAK_ADMIN_CLIENT_SECRET'>;

/**
 * Provides UserDirectory from config: Keycloak's admin API in production, the realm export file
 * in the embedded default and tests (the same file a dev Keycloak imports).
 */
@Global()
@Module({})
export class UserDirectoryModule {
  static forRoot(env: DirectoryEnv): DynamicModule {
    return {
      module: UserDirectoryModule,
      providers: [{ provide: UserDirectory, useFactory: () => createUserDirectory(env) }],
      exports: [UserDirectory],
    };
  }
}

export function createUserDirectory(env: DirectoryEnv): UserDirectory {
  if (env.USER_DIRECTORY === 'keycloak') {
    return new KeycloakAdminUserDirectory({
      authUrl: env.AUTH_URL,
      realm: env.AUTH_REALM,
      clientId: env.KEYCLOAK_ADMIN_CLIENT_ID,
      clientSecret: env.KEYCLOAK_ADMIN_CLIENT_SECRET ?? '',
    });
  }
  return new RealmExportUserDirectory(resolve(env.REALM_FILE));
}
