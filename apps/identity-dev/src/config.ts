import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { httpEnv, loadConfig } from '@crm/config';
import { z } from 'zod';

export const identityDevEnv = z.object({
  ...httpEnv,
  // Keycloak's port in the embedded default set-up (AUTH_URL http://localhost:8080); 0 = any free port.
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  REALM_FILE: z.string().min(1).default('deploy/keycloak/realm-crm.json'),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(10).max(86400).default(300),
  /** PEM or JWK private key; unset = a fresh key per start (tokens from a previous run stop verifying). */
  SIGNING_KEY_FILE: z.string().optional(),
});

export type IdentityDevConfig = z.infer<typeof identityDevEnv>;

export function loadIdentityDevConfig(env: NodeJS.ProcessEnv = process.env): IdentityDevConfig {
  return loadConfig(identityDevEnv, env);
}

/**
 * A relative REALM_FILE is looked up from the working directory first, then from the repository
 * root above this file, so `node dist/apps/identity-dev/...` works from anywhere in the repo.
 */
export function resolveRealmFile(file: string, cwd = process.cwd(), from = __dirname): string {
  if (isAbsolute(file)) return file;
  const inCwd = resolve(cwd, file);
  if (existsSync(inCwd)) return inCwd;
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, file);
    if (existsSync(candidate)) return candidate;
  }
  return inCwd;
}
