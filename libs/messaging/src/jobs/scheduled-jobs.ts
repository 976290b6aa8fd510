import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import { MikroORM, UniqueConstraintViolationException } from '@mikro-orm/core';
import { Cron } from 'croner';
import { JobRun } from './job-run.entity';

/** A job run on a calendar (a weekly scan, a nightly report), by exactly one replica per occurrence. */
export interface ScheduledJob {
  /** Unique in the service, e.g. `churn-scan`. */
  name: string;
  /** When, as a cron expression read by croner, e.g. `0 2 * * 6` (Saturdays at 02:00). */
  cron: string;
  /** The time zone the expression is read in (the company's, COMPANY_TIME_ZONE). */
  timeZone: string;
  /** An occurrence missed while every replica was down still runs this long after it (default 24 h). */
  catchUpMs?: number;
  /**
   * The work. It must be idempotent: a run whose replica died, or that failed, is run again. It may
   * return a short summary (a count) that is kept with the run.
   */
  run(context: { runKey: string; scheduledFor?: Date }): Promise<string | number | void>;
}

export interface ScheduledJobsOptions {
  /** How often each replica looks for a due occurrence (default 30 s). */
  tickMs?: number;
  /** A running run's lease, renewed at a third of it (default 2 min): a dead runner's run is taken over after it. */
  leaseMs?: number;
  /** A failed run is tried again after this long (default 10 min), up to `maxAttempts` (default 3) in all. */
  retryAfterMs?: number;
  maxAttempts?: number;
  /** The clock (tests move it). */
  now?: () => Date;
}

export const SCHEDULED_JOBS_OPTIONS = Symbol('SCHEDULED_JOBS_OPTIONS');

export type RunOutcome =
  | { outcome: 'succeeded' | 'failed'; runKey: string; detail?: string }
  | { outcome: 'already-run' | 'running-elsewhere'; runKey: string }
  | { outcome: 'not-due' };

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Runs scheduled jobs exactly once per occurrence whatever the number of replicas: each replica
 * looks for the latest due occurrence of each job every `tickMs`, and the one that inserts the
 * occurrence's `job_run` row (its primary key is the job and the occurrence) runs it; the others
 * see the row and do nothing. The runner holds a lease on the row while it works; when it dies, a
 * replica takes the run over after the lease; a failed run is tried again after `retryAfterMs`.
 * `runNow` runs a job on demand (an admin's button) under a key of its own.
 */
@Injectable()
export class ScheduledJobs implements OnApplicationBootstrap, OnModuleDestroy {
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly logger = new Logger(ScheduledJobs.name);
  private readonly jobs = new Map<string, { job: ScheduledJob; cron: Cron }>();
  private readonly tickMs: number;
  private readonly leaseMs: number;
  private readonly retryAfterMs: number;
  private readonly maxAttempts: number;
  private readonly now: () => Date;
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<unknown>;
  /** Lease renewals of the runs in progress here. */
  private readonly renewals = new Set<NodeJS.Timeout>();

  constructor(
    private readonly orm: MikroORM,
    @Optional() @Inject(SCHEDULED_JOBS_OPTIONS) options: ScheduledJobsOptions = {},
  ) {
    this.tickMs = options.tickMs ?? 30_000;
    this.leaseMs = options.leaseMs ?? 120_000;
    this.retryAfterMs = options.retryAfterMs ?? 10 * 60_000;
    this.maxAttempts = options.maxAttempts ?? 3;
    this.now = options.now ?? (() => new Date());
  }

  register(job: ScheduledJob): void {
    if (this.jobs.has(job.name)) throw new Error(`scheduled job ${job.name} is registered twice`);
    // Validates the expression (here) and the time zone (at the first date computed) now, at boot,
    // not at the first tick.
    const cron = new Cron(job.cron, { timezone: job.timeZone, paused: true });
    cron.nextRun();
    this.jobs.set(job.name, { job, cron });
  }

  /** The occurrence due at `now` (the latest at or before it, within the catch-up window), if any. */
  dueOccurrence(name: string, now = this.now()): Date | undefined {
    const { job, cron } = this.entry(name);
    // croner counts from the reference exclusively: a second later includes an occurrence at `now`.
    const [latest] = cron.previousRuns(1, new Date(now.getTime() + 1000));
    if (!latest || latest.getTime() > now.getTime()) return undefined;
    return now.getTime() - latest.getTime() <= (job.catchUpMs ?? DAY_MS) ? latest : undefined;
  }

  /** The next occurrence after `now`. */
  nextOccurrence(name: string, now = this.now()): Date | undefined {
    return this.entry(name).cron.nextRun(now) ?? undefined;
  }

  onApplicationBootstrap(): void {
    if (this.jobs.size === 0) return;
    this.timer = setInterval(() => void this.tick(), this.tickMs);
    this.timer.unref();
    void this.tick();
  }

  /** Stops looking for work and stops renewing leases: a run this replica leaves is taken over after its lease. */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    for (const renewal of this.renewals) clearInterval(renewal);
    this.renewals.clear();
    await this.ticking;
  }

  /** Runs every job's due occurrence that no replica has run; one tick at a time per replica. */
  async tick(now = this.now()): Promise<RunOutcome[]> {
    if (this.ticking) return [];
    const work = (async () => {
      const outcomes: RunOutcome[] = [];
      for (const name of this.jobs.keys()) outcomes.push(await this.runDue(name, now));
      return outcomes;
    })();
    this.ticking = work;
    try {
      return await work;
    } catch (error) {
      this.logger.error(`scheduled jobs: ${(error as Error).message}`, error as Error);
      return [];
    } finally {
      this.ticking = undefined;
    }
  }

  /** Runs `name`'s due occurrence if no replica has (or is). */
  async runDue(name: string, now = this.now()): Promise<RunOutcome> {
    const occurrence = this.dueOccurrence(name, now);
    if (!occurrence) return { outcome: 'not-due' };
    return this.runOnce(this.entry(name).job, occurrence.toISOString(), occurrence, now);
  }

  /** Runs `name` now, on demand, whatever its schedule (under a key of its own). */
  async runNow(name: string, now = this.now()): Promise<RunOutcome> {
    return this.runOnce(this.entry(name).job, `manual:${now.toISOString()}:${randomBytes(4).toString('hex')}`, undefined, now);
  }

  private entry(name: string): { job: ScheduledJob; cron: Cron } {
    const entry = this.jobs.get(name);
    if (!entry) throw new Error(`no scheduled job ${name}`);
    return entry;
  }

  private async runOnce(job: ScheduledJob, runKey: string, scheduledFor: Date | undefined, now: Date): Promise<RunOutcome> {
    const claim = await this.claim(job.name, runKey, now);
    if (claim !== 'claimed') return { outcome: claim, runKey };
    const started = Date.now();
    const renew = setInterval(() => void this.renew(job.name, runKey, now, started), Math.max(1, Math.floor(this.leaseMs / 3)));
    renew.unref();
    this.renewals.add(renew);
    let outcome: 'succeeded' | 'failed';
    let detail: string | undefined;
    try {
      const result = await job.run({ runKey, ...(scheduledFor ? { scheduledFor } : {}) });
      outcome = 'succeeded';
      detail = result === undefined ? undefined : String(result);
    } catch (error) {
      outcome = 'failed';
      detail = (error as Error)?.message ?? String(error);
      this.logger.error(`scheduled job ${job.name} (${runKey}) failed: ${detail}`, error as Error);
    } finally {
      clearInterval(renew);
      this.renewals.delete(renew);
    }
    const recorded = await this.orm.em
      .fork()
      .nativeUpdate(
        JobRun,
        { job: job.name, runKey, owner: this.owner, outcome: null },
        // On the clock the run started by (`now`: the tick's, which tests move), plus the time it took.
        { outcome, finishedAt: new Date(now.getTime() + Date.now() - started), detail: detail?.slice(0, 2000) ?? null },
      );
    if (recorded === 0) this.logger.warn(`scheduled job ${job.name} (${runKey}) finished after another replica took it over`);
    return { outcome, runKey, ...(detail !== undefined ? { detail } : {}) };
  }

  /** Inserts the run, or takes over one whose runner died or that failed a while ago. */
  private async claim(job: string, runKey: string, now: Date): Promise<'claimed' | 'already-run' | 'running-elsewhere'> {
    const em = this.orm.em.fork();
    const until = new Date(now.getTime() + this.leaseMs);
    try {
      await em.insert(JobRun, new JobRun(job, runKey, this.owner, now, until));
      return 'claimed';
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
    }
    const run = await em.findOne(JobRun, { job, runKey }, { disableIdentityMap: true });
    if (!run) return 'running-elsewhere';
    const abandoned = run.outcome == null && run.until.getTime() < now.getTime();
    const retryable =
      run.outcome === 'failed' && run.attempts < this.maxAttempts && (run.finishedAt?.getTime() ?? 0) + this.retryAfterMs <= now.getTime();
    if (!abandoned && !retryable) return run.outcome == null ? 'running-elsewhere' : 'already-run';
    // Conditional on what was read: of two replicas taking over together, one wins.
    const taken = await em.nativeUpdate(
      JobRun,
      { job, runKey, owner: run.owner, attempts: run.attempts, outcome: run.outcome ?? null },
      { owner: this.owner, attempts: run.attempts + 1, startedAt: now, until, outcome: null, finishedAt: null, detail: null },
    );
    return taken > 0 ? 'claimed' : 'running-elsewhere';
  }

  /** Extends the lease from the run's clock (`leaseFrom` + time elapsed since `started`). */
  private async renew(job: string, runKey: string, leaseFrom: Date, started: number): Promise<void> {
    try {
      await this.orm.em
        .fork()
        .nativeUpdate(JobRun, { job, runKey, owner: this.owner, outcome: null }, { until: new Date(leaseFrom.getTime() + (Date.now() - started) + this.leaseMs) });
    } catch (error) {
      this.logger.warn(`scheduled job ${job}: lease not renewed: ${(error as Error).message}`);
    }
  }
}
