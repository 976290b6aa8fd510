import { z } from 'zod';
import { companyEnv, httpEnv, loadConfig, serviceEnv } from '@crm/config';

export const customerEnvSchema = z.object({
  ...serviceEnv,
  ...companyEnv,
  HTTP_PORT: httpEnv.HTTP_PORT.default(3102),
});

export type CustomerConfig = z.infer<typeof customerEnvSchema>;

export function customerConfig(env: NodeJS.ProcessEnv = process.env): CustomerConfig {
  return loadConfig(customerEnvSchema, env);
}
