import { z } from 'zod';
import { companyEnv, httpEnv, loadConfig, serviceEnv } from '@crm/config';

export const reportingEnvSchema = z.object({
  ...serviceEnv,
  // A ticket counts in the year of its creation on the company's calendar.
  ...companyEnv,
  HTTP_PORT: httpEnv.HTTP_PORT.default(3105),
});

export type ReportingConfig = z.infer<typeof reportingEnvSchema>;

export function reportingConfig(env: NodeJS.ProcessEnv = process.env): ReportingConfig {
  return loadConfig(reportingEnvSchema, env);
}
