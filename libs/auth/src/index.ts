export * from './auth.errors';
export * from './auth.guard';
export * from './auth.module';
export * from './auth.options';
export * from './authenticated-user';
export * from './bearer-token';
export * from './decorators';
export * from './token-verifier';
export { KeycloakConnectTokenVerifier, type KeycloakConnectVerifierOptions } from './keycloak/keycloak-connect-token-verifier';
