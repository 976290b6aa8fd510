import { z } from 'zod';
import { httpEnv, loadConfig, serviceEnv } from '@crm/config';
import { salesNamesEnv } from '@crm/sales-system';

export const salesBridgeEnvSchema = z.object({
  ...serviceEnv,
  HTTP_PORT: httpEnv.HTTP_PORT.default(3103),
  /** The company's sales system, read only: its driver, SQLite file or database name, URL and schema. */
  SALES_DB_DRIVER: z.enum(['sqlite', 'postgresql', 'mssql']).default('sqlite'),
  SALES_DB_NAME: z.string().min(1).default('.data/sales-system.sqlite'),
  /** PostgreSQL / SQL Server: a read-only user's URL (production: a login with SELECT only). */
  SALES_DB_URL: z.string().optional(),
  /** The schema its tables live in (PostgreSQL `public`, SQL Server `dbo` when unset). */
  SALES_DB_SCHEMA: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).optional(),
  SALES_DB_POOL_MAX: z.coerce.number().int().min(1).max(50).default(4),
  /** Its tables' and columns' names where they differ from the spec's: JSON, e.g. {"orders":{"table":"odr"}}. */
  SALES_DB_NAMES: salesNamesEnv,
  /** A query to the sales system that takes longer is abandoned (503), so a hung database hangs nothing here. */
  SALES_DB_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  /** How often the order sync looks at the sales system, and how many orders one look reads at most per pass. */
  ORDER_SYNC_POLL_MS: z.coerce.number().int().min(50).default(2_000),
  ORDER_SYNC_BATCH: z.coerce.number().int().min(10).max(10_000).default(2_000),
  /** Off for a replica that should only answer queries (the sync runs on one replica at a time anyway). */
  ORDER_SYNC_ENABLED: z
    .enum(['true', 'false', '1', '0'])
    .default('true')
    .transform((v) => v === 'true' || v === '1'),
});

export type SalesBridgeConfig = z.infer<typeof salesBridgeEnvSchema>;

export function salesBridgeConfig(env: NodeJS.ProcessEnv = process.env): SalesBridgeConfig {
  return loadConfig(salesBridgeEnvSchema, env);
}
