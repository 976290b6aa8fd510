import { z } from 'zod';
import { companyEnv, httpEnv, loadConfig, serviceEnv } from '@crm/config';

export const serviceDeskEnvSchema = z.object({
  ...serviceEnv,
  // The archive query's calendar dates (createdFrom, createdTo) are the company's days.
  ...companyEnv,
  HTTP_PORT: httpEnv.HTTP_PORT.default(3104),
});

export type ServiceDeskConfig = z.infer<typeof serviceDeskEnvSchema>;

export function serviceDeskConfig(env: NodeJS.ProcessEnv = process.env): ServiceDeskConfig {
  return loadConfig(serviceDeskEnvSchema, env);
}
