import { z } from 'zod';
import { httpEnv, loadConfig, serviceEnv } from '@crm/config';

export const marketingEnvSchema = z.object({
  ...serviceEnv,
  HTTP_PORT: httpEnv.HTTP_PORT.default(3101),
});

export type MarketingConfig = z.infer<typeof marketingEnvSchema>;

export function marketingConfig(env: NodeJS.ProcessEnv = process.env): MarketingConfig {
  return loadConfig(marketingEnvSchema, env);
}
