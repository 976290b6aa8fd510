import { z } from 'zod';
import { companyEnv, httpEnv, loadConfig, serviceEnv } from '@crm/config';

export const customerEnvSchema = z.object({
  ...serviceEnv,
  ...companyEnv,
  HTTP_PORT: httpEnv.HTTP_PORT.default(3102),
  /** An import answers with the finished job if it is done within this long, else 202 and a job to poll. */
  IMPORT_ANSWER_WITHIN_MS: z.coerce.number().int().min(0).max(30_000).default(1_500),
});

export type CustomerConfig = z.infer<typeof customerEnvSchema>;

export function customerConfig(env: NodeJS.ProcessEnv = process.env): CustomerConfig {
  return loadConfig(customerEnvSchema, env);
}
