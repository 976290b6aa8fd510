import { z } from 'zod';
import { amqpEnv, authEnv, httpEnv, loadConfig, observabilityEnv, userDirectoryEnv } from '@crm/config';
import type { ServiceName } from '../routing/route-table';

const url = z.string().url();
/** One URL, or several (replicas reached directly, as in the local rolling-restart test), comma separated. */
const urls = z
  .string()
  .transform((value) => value.split(',').map((part) => part.trim()).filter(Boolean))
  .pipe(z.array(url).min(1));

export const gatewayEnvSchema = z.object({
  ...httpEnv,
  HTTP_PORT: httpEnv.HTTP_PORT.default(3000),
  ...authEnv,
  ...observabilityEnv,
  ...userDirectoryEnv,
  /** Only for the admin dead-letter endpoint, connected per call: the gateway runs without a broker. */
  AMQP_URL: amqpEnv.AMQP_URL,
  EVENTS_EXCHANGE: amqpEnv.EVENTS_EXCHANGE,
  AMQP_QUEUE_PREFIX: amqpEnv.AMQP_QUEUE_PREFIX,
  MARKETING_URL: urls.default(['http://127.0.0.1:3101']),
  CUSTOMER_URL: urls.default(['http://127.0.0.1:3102']),
  SALES_BRIDGE_URL: urls.default(['http://127.0.0.1:3103']),
  SERVICE_DESK_URL: urls.default(['http://127.0.0.1:3104']),
  REPORTING_URL: urls.default(['http://127.0.0.1:3105']),
  /** The spec's limit for a synchronous function is 15 s. */
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  /** Requests each signed-in user may send per window (429 with Retry-After beyond). */
  RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(100),
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).default(10),
  /** Shared rate-limit counters for all gateway replicas; unset: each counts in its own memory. */
  REDIS_URL: z.string().url().optional(),
  /** Browser origins allowed to call the API (the web console), comma separated. */
  CORS_ORIGINS: z
    .string()
    .default('http://localhost:5173')
    .transform((value) => value.split(',').map((origin) => origin.trim()).filter(Boolean)),
});
export type GatewayEnv = z.infer<typeof gatewayEnvSchema>;

export interface GatewayConfig {
  env: GatewayEnv;
  /** Each service's base URLs: a Kubernetes Service (one URL) or its replicas. */
  services: Record<ServiceName, string[]>;
  upstreamTimeoutMs: number;
  rateLimit: { max: number; windowSeconds: number; redisUrl?: string };
}

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

export function gatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const parsed = loadConfig(gatewayEnvSchema, env);
  return {
    env: parsed,
    services: { marketing: parsed.MARKETING_URL, customer: parsed.CUSTOMER_URL, 'sales-bridge': parsed.SALES_BRIDGE_URL, 'service-desk': parsed.SERVICE_DESK_URL, reporting: parsed.REPORTING_URL },
    upstreamTimeoutMs: parsed.UPSTREAM_TIMEOUT_MS,
    rateLimit: { max: parsed.RATE_LIMIT_MAX, windowSeconds: parsed.RATE_LIMIT_WINDOW_SECONDS, redisUrl: parsed.REDIS_URL },
  };
}
