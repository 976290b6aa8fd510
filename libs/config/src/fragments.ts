import { z } from 'zod';

/**
 * Environment fragments shared by every process. A service composes the ones it needs
 * (`z.object({...httpEnv, ...databaseEnv, ...})`) and adds its own variables.
 */
const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);
const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');

export const httpEnv = {
  HTTP_HOST: z.string().default('127.0.0.1'),
  HTTP_PORT: port(3000),
  /** Public base URL of this process (for links and the OpenAPI servers list). */
  PUBLIC_URL: z.string().url().optional(),
};

export const databaseEnv = {
  DB_DRIVER: z.enum(['sqlite', 'postgresql', 'mssql']).default('sqlite'),
  /** SQLite: file path (or :memory:); PostgreSQL / SQL Server: database name. */
  DB_NAME: z.string().min(1).optional(),
  /** PostgreSQL / SQL Server connection URL, e.g. postgres://user:pass@host:5432/crm. */
  DB_URL: z.string().optional(),
  /** Schema owned by this service (PostgreSQL, SQL Server); defaults to the service name. */
  DB_SCHEMA: z.string().regex(/^[a-z][a-z0-9_]*$/).optional(),
  DB_DEBUG: bool(false),
  /** Connection pool per process (PostgreSQL, SQL Server). Event handlers get at most half of it. */
  DB_POOL_MAX: z.coerce.number().int().min(2).max(200).default(10),
};

export const amqpEnv = {
  AMQP_URL: z.string().default('amqp://guest:guest@127.0.0.1:5672'),
  EVENTS_EXCHANGE: z.string().default('crm.events'),
  /** Before every queue name a service declares; lets isolated runs share a broker. Empty in production. */
  AMQP_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]*$/, 'letters, digits, . _ - only')
    .default(''),
  AMQP_PREFETCH: z.coerce.number().int().min(1).max(1000).default(20),
  /** Failures of a message on healthy dependencies before it is dead-lettered (transient ones do not count). */
  AMQP_DELIVERY_LIMIT: z.coerce.number().int().min(1).max(100).default(5),
  /** Handlers running at once; default half of DB_POOL_MAX (capped by the prefetch), so HTTP keeps the rest. */
  AMQP_CONSUMER_CONCURRENCY: z.coerce.number().int().min(1).optional(),
  /** A handler running longer is abandoned and its message retried later. */
  AMQP_HANDLER_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  /** How long a message is retried while the database or another dependency is unavailable. */
  AMQP_TRANSIENT_RETRY_MINUTES: z.coerce.number().min(1).default(60),
  OUTBOX_POLL_MS: z.coerce.number().int().min(10).default(500),
  /** Sent outbox rows are kept this long (for audit and replay), then deleted. */
  OUTBOX_RETENTION_HOURS: z.coerce.number().min(1).default(168),
  /** Inbox marks are kept this long; must exceed how late a duplicate can still arrive. */
  INBOX_RETENTION_HOURS: z.coerce.number().min(1).default(720),
};

export const authEnv = {
  /** Keycloak base URL (without /realms/...). */
  AUTH_URL: z.string().url().default('http://localhost:8080'),
  AUTH_REALM: z.string().default('crm'),
  /** Client id this process presents as audience (Keycloak "resource"). */
  AUTH_CLIENT_ID: z.string().default('crm-api'),
};

export const observabilityEnv = {
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** Bound for draining in-flight requests, messages and the outbox relay after the drain delay. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10000),
  /**
   * After SIGTERM: readiness answers 503 at once, but HTTP keeps serving this long so that load
   * balancers (Kubernetes endpoints) stop routing here before the listener closes.
   */
  SHUTDOWN_DRAIN_DELAY_MS: z.coerce.number().int().min(0).default(0),
  /** OpenTelemetry collector (OTLP/HTTP, e.g. http://otel-collector:4318); spans stay local without it. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
};

/** The company's calendar: customer numbers' dates, scheduled jobs (e.g. Saturday 02:00 churn scan). */
export const companyEnv = {
  COMPANY_TIME_ZONE: z
    .string()
    .default('Asia/Shanghai')
    .refine((zone) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone such as Asia/Shanghai'),
};

/** Where active users and their roles come from (assignee pickers, "is this an active manager"). */
export const userDirectoryEnv = {
  USER_DIRECTORY: z.enum(['realm-file', 'keycloak']).default('realm-file'),
  /** realm-file: the Keycloak realm export (embedded default and tests). */
  REALM_FILE: z.string().default('deploy/keycloak/realm-crm.json'),
  /** keycloak: a confidential client with the realm-management view-users role. */
  KEYCLOAK_ADMIN_CLIENT_ID: z.string().default('crm-gateway'),
  KEYCLOAK_ADMIN_CLIENT_SECRET: z.string().optional(),
};

/** Everything a domain service (HTTP + database + events + auth) reads; services add their own. */
export const serviceEnv = {
  ...httpEnv,
  ...databaseEnv,
  ...amqpEnv,
  ...authEnv,
  ...observabilityEnv,
  ...userDirectoryEnv,
};
export type ServiceEnv = z.infer<z.ZodObject<typeof serviceEnv>>;
