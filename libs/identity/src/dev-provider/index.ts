export { startDevIdentityProvider, type DevIdentityProvider, type DevIdentityProviderOptions } from './start-dev-identity-provider';
export { fetchPasswordGrantToken, TokenRequestError, type PasswordGrantRequest, type PasswordGrantTokens } from './password-grant-client';
