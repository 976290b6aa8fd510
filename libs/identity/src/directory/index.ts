export * from './user-directory';
export * from './directory.errors';
export * from './realm-export-user-directory';
export * from './keycloak-admin-user-directory';
