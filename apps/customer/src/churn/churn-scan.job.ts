import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { ScheduledJob, ScheduledJobs } from '@crm/messaging';
import { COMPANY_TIME_ZONE } from '../customers/company-calendar';
import { ChurnError, ChurnErrorCode } from './churn.errors';
import { ChurnScan } from './churn-scan';
import { Clock } from './clock';

export const CHURN_SCAN_JOB = 'churn-scan';
/** Saturdays at 02:00 in the company's time zone (requirements §2.5). */
export const CHURN_SCAN_CRON = '0 2 * * 6';

/** The warning job as ScheduledJobs runs it: once per Saturday however many replicas run. */
export function churnScanJob(scan: ChurnScan, clock: Clock, timeZone: string): ScheduledJob {
  return { name: CHURN_SCAN_JOB, cron: CHURN_SCAN_CRON, timeZone, run: () => scan.execute(clock.now()) };
}

/** Registers the weekly scan at start, and runs it on an admin's demand. */
@Injectable()
export class ChurnScanSchedule implements OnModuleInit {
  constructor(
    private readonly jobs: ScheduledJobs,
    private readonly scan: ChurnScan,
    private readonly clock: Clock,
    @Inject(COMPANY_TIME_ZONE) private readonly timeZone: string,
  ) {}

  onModuleInit(): void {
    this.jobs.register(churnScanJob(this.scan, this.clock, this.timeZone));
  }

  /** Runs the scan now (under a run key of its own); how many warnings it created. */
  async runNow(): Promise<number> {
    const run = await this.jobs.runNow(CHURN_SCAN_JOB, this.clock.now());
    if (run.outcome !== 'succeeded') {
      throw new ChurnError(ChurnErrorCode.ScanFailed, `The churn scan did not finish (${run.outcome}${'detail' in run && run.detail ? `: ${run.detail}` : ''}); try again later.`);
    }
    return Number(run.detail ?? 0);
  }
}
