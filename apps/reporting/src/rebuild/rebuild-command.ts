import { initOrm } from '@crm/persistence';
import { reportingConfig } from '../config/reporting.config';
import { ormInput, SERVICE_NAME } from '../database/orm-input';
import { RebuildReports } from './rebuild-reports';

export type RebuildLog = (line: { level: 'info' | 'error'; service: string; msg: string } & Record<string, unknown>) => void;

/**
 * The rebuild as a command (`database/rebuild.ts`): opens the service's database from the
 * environment, rebuilds the reports' aggregates from the facts (RebuildReports), logs one line
 * with the counts and duration, and answers the exit code (0 done, 1 failed: nothing changed).
 */
export async function runRebuildCommand(env: NodeJS.ProcessEnv, log: RebuildLog): Promise<number> {
  let orm: Awaited<ReturnType<typeof initOrm>> | undefined;
  try {
    orm = await initOrm(ormInput(reportingConfig(env)));
    const result = await new RebuildReports(orm).execute();
    log({ level: 'info', service: SERVICE_NAME, msg: 'reports rebuilt', ...result });
    return 0;
  } catch (error) {
    log({ level: 'error', service: SERVICE_NAME, msg: `rebuild failed: ${error instanceof Error ? error.message : String(error)}` });
    return 1;
  } finally {
    await orm?.close(true);
  }
}
