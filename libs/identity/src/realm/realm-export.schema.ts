import { z } from 'zod';

/**
 * The subset of Keycloak's RealmRepresentation (admin REST API / `kc.sh export`) that the CRM reads.
 * Unknown members are dropped, not rejected: a real export carries hundreds of them.
 */
const credentialSchema = z.object({
  type: z.string(),
  value: z.string().optional(),
  temporary: z.boolean().optional(),
});

export const realmUserSchema = z.object({
  id: z.string().min(1),
  username: z.string().min(1),
  enabled: z.boolean().default(true),
  emailVerified: z.boolean().optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  email: z.string().optional(),
  credentials: z.array(credentialSchema).default([]),
  realmRoles: z.array(z.string()).default([]),
  clientRoles: z.record(z.string(), z.array(z.string())).optional(),
  serviceAccountClientId: z.string().optional(),
});

const roleSchema = z.object({
  name: z.string().min(1),
  description: z.string().optional(),
  composite: z.boolean().optional(),
  composites: z.object({ realm: z.array(z.string()).optional() }).optional(),
});

const protocolMapperSchema = z.object({
  name: z.string(),
  protocolMapper: z.string(),
  config: z.record(z.string(), z.string()).default({}),
});

export const realmClientSchema = z.object({
  clientId: z.string().min(1),
  name: z.string().optional(),
  enabled: z.boolean().default(true),
  publicClient: z.boolean().default(false),
  bearerOnly: z.boolean().default(false),
  secret: z.string().optional(),
  standardFlowEnabled: z.boolean().default(true),
  directAccessGrantsEnabled: z.boolean().default(false),
  serviceAccountsEnabled: z.boolean().default(false),
  redirectUris: z.array(z.string()).default([]),
  webOrigins: z.array(z.string()).default([]),
  attributes: z.record(z.string(), z.string()).default({}),
  protocolMappers: z.array(protocolMapperSchema).default([]),
});

export const realmExportSchema = z.object({
  realm: z.string().min(1),
  enabled: z.boolean().default(true),
  accessTokenLifespan: z.number().int().positive().optional(),
  roles: z.object({ realm: z.array(roleSchema).default([]) }).default({ realm: [] }),
  defaultRole: z.object({ name: z.string() }).optional(),
  users: z.array(realmUserSchema).default([]),
  clients: z.array(realmClientSchema).default([]),
});

export type RealmExport = z.infer<typeof realmExportSchema>;
export type RealmUser = z.infer<typeof realmUserSchema>;
export type RealmClient = z.infer<typeof realmClientSchema>;
