export * from './realm';
export * from './directory';
// The development identity provider has its own entry point, @crm/identity/dev-provider, so that
// no production process loads it (or oidc-provider) through this one.
