import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/**
 * One run of a scheduled job: the row's key is the occurrence it runs for (`job`, `run_key`), so
 * a second replica that reaches the same occurrence cannot insert it again — exactly one runs.
 * While running, `until` is the runner's lease (renewed as it goes); a run whose runner died is
 * taken over once the lease has passed, and a failed one is tried again later (see ScheduledJobs).
 */
@Entity({ tableName: 'job_run' })
export class JobRun {
  @PrimaryKey({ type: 'string', length: 100 })
  job: string;

  /** The occurrence, as an ISO instant (`2026-12-04T18:00:00.000Z`), or `manual:<id>` on demand. */
  @PrimaryKey({ type: 'string', length: 60 })
  runKey: string;

  @Property({ type: 'string', length: 100 })
  owner: string;

  @Property({ type: 'integer' })
  attempts: number = 1;

  @Property({ type: Date })
  startedAt: Date;

  /** The runner's lease while `outcome` is null. */
  @Property({ type: Date })
  until: Date;

  @Property({ type: Date, nullable: true })
  finishedAt?: Date | null;

  /** `succeeded` or `failed`; null while running. */
  @Property({ type: 'string', length: 20, nullable: true })
  outcome?: string | null;

  /** What the job reported (a count, a summary) or the error, as text. */
  @Property({ type: 'string', length: 2000, nullable: true })
  detail?: string | null;

  constructor(job: string, runKey: string, owner: string, startedAt: Date, until: Date) {
    this.job = job;
    this.runKey = runKey;
    this.owner = owner;
    this.startedAt = startedAt;
    this.until = until;
  }
}
