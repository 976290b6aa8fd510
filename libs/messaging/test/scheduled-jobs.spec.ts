import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import { createOrmOptions, type DatabaseSettings } from '@crm/persistence';
import { uniqueName } from '@crm/testing';
import { JobRun, ScheduledJob, ScheduledJobs } from '../src';

/** Saturdays at 02:00 in Shanghai (UTC+8): 2026-12-05 02:00 there is 2026-12-04 18:00 UTC. */
const CHURN = { name: 'churn-scan', cron: '0 2 * * 6', timeZone: 'Asia/Shanghai' };
const SATURDAY_0200 = new Date('2026-12-04T18:00:00.000Z');
const at = (offsetMs: number) => new Date(SATURDAY_0200.getTime() + offsetMs);
const MINUTE = 60_000;

/** A job that counts its runs, optionally failing or taking a while. */
function countingJob(behaviour: { fail?: number; delayMs?: number } = {}): ScheduledJob & { runs: string[] } {
  const runs: string[] = [];
  return {
    ...CHURN,
    runs,
    async run({ runKey }) {
      runs.push(runKey);
      if (behaviour.delayMs) await new Promise((resolve) => setTimeout(resolve, behaviour.delayMs));
      if (behaviour.fail && runs.length <= behaviour.fail) throw new Error('database went away');
      return runs.length;
    },
  };
}

const databases: [string, () => DatabaseSettings][] = [
  ['SQLite', () => ({ DB_DRIVER: 'sqlite', DB_NAME: join(mkdtempSync(join(tmpdir(), 'crm-jobs-')), 'jobs.sqlite') })],
  ['PostgreSQL', () => ({ DB_DRIVER: 'postgresql', DB_URL: process.env.CRM_TEST_PG_URL, DB_SCHEMA: uniqueName('jobs').replace(/[^a-z0-9]/g, '_') })],
];

describe.each(databases)('scheduled jobs on %s', (_dialect, settings) => {
  const orms: MikroORM[] = [];
  const runners: ScheduledJobs[] = [];

  /** `n` replicas of one service: separate connections to one database. */
  async function replicas(n: number, options: { leaseMs?: number; retryAfterMs?: number } = {}): Promise<ScheduledJobs[]> {
    const db = settings();
    const made: ScheduledJobs[] = [];
    for (let i = 0; i < n; i++) {
      const orm = await MikroORM.init(createOrmOptions({ service: 'jobs', entities: [JobRun], db }) as never);
      if (i === 0) await orm.schema.create();
      orms.push(orm);
      made.push(new ScheduledJobs(orm, { leaseMs: options.leaseMs ?? 60_000, retryAfterMs: options.retryAfterMs ?? 10 * MINUTE }));
    }
    runners.push(...made);
    return made;
  }

  afterAll(async () => {
    // The "dead" replica's run never ends: stop its lease renewals before the databases close.
    for (const runner of runners) await runner.onModuleDestroy();
    for (const orm of orms) {
      if (orm.config.get('schema')) await orm.em.getConnection().execute(`drop schema if exists "${orm.config.get('schema')}" cascade`).catch(() => undefined);
      await orm.close();
    }
  });

  it('runs an occurrence from its time in the company time zone, never before, and not again', async () => {
    const [jobs] = await replicas(1);
    const job = countingJob();
    jobs.register(job);
    expect(await jobs.runDue('churn-scan', at(-1000))).toEqual({ outcome: 'not-due' }); // Saturday 01:59:59 in Shanghai
    expect(await jobs.runDue('churn-scan', at(0))).toMatchObject({ outcome: 'succeeded', runKey: SATURDAY_0200.toISOString(), detail: '1' });
    expect(await jobs.runDue('churn-scan', at(5 * MINUTE))).toEqual({ outcome: 'already-run', runKey: SATURDAY_0200.toISOString() });
    expect(job.runs).toEqual([SATURDAY_0200.toISOString()]);
    expect(jobs.nextOccurrence('churn-scan', at(0))).toEqual(at(7 * 24 * 60 * MINUTE));
  });

  it('runs an occurrence missed while every replica was down, within the catch-up window only', async () => {
    const [jobs] = await replicas(1);
    const job = countingJob();
    jobs.register({ ...job, catchUpMs: 12 * 60 * MINUTE });
    expect(await jobs.runDue('churn-scan', at(11 * 60 * MINUTE))).toMatchObject({ outcome: 'succeeded' });
    const [later] = await replicas(1);
    later.register({ ...countingJob(), catchUpMs: 12 * 60 * MINUTE });
    expect(await later.runDue('churn-scan', at(13 * 60 * MINUTE))).toEqual({ outcome: 'not-due' });
  });

  it('runs each occurrence once when replicas reach it together', async () => {
    const group = await replicas(3);
    const jobsOf = group.map(() => countingJob({ delayMs: 50 }));
    group.forEach((jobs, i) => jobs.register(jobsOf[i]));
    const outcomes = await Promise.all(group.map((jobs) => jobs.tick(at(30_000))));
    expect(jobsOf.flatMap((job) => job.runs)).toEqual([SATURDAY_0200.toISOString()]);
    expect(outcomes.flat().map((o) => o.outcome).sort()).toEqual(['running-elsewhere', 'running-elsewhere', 'succeeded']);
    const rows = await orms.at(-1)!.em.fork().find(JobRun, { job: 'churn-scan' });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ outcome: 'succeeded', attempts: 1, detail: '1' });
  });

  it('takes over a run whose replica died once its lease has passed, and not before', async () => {
    const [dead, alive] = await replicas(2, { leaseMs: 60_000 });
    dead.register({ ...countingJob(), run: () => new Promise(() => undefined) }); // never finishes: the process died
    const job = countingJob();
    alive.register(job);
    void dead.runDue('churn-scan', at(0));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await alive.runDue('churn-scan', at(30_000))).toMatchObject({ outcome: 'running-elsewhere' });
    expect(await alive.runDue('churn-scan', at(61_000))).toMatchObject({ outcome: 'succeeded' });
    expect(job.runs).toHaveLength(1);
    const [row] = await orms.at(-1)!.em.fork().find(JobRun, { job: 'churn-scan' });
    expect(row).toMatchObject({ owner: alive.owner, attempts: 2, outcome: 'succeeded' });
  });

  it('tries a failed run again after a while, up to the attempt limit', async () => {
    const [jobs] = await replicas(1, { retryAfterMs: 10 * MINUTE });
    const job = countingJob({ fail: 5 });
    jobs.register(job);
    expect(await jobs.runDue('churn-scan', at(0))).toMatchObject({ outcome: 'failed', detail: 'database went away' });
    expect(await jobs.runDue('churn-scan', at(MINUTE))).toMatchObject({ outcome: 'already-run' });
    expect(await jobs.runDue('churn-scan', at(11 * MINUTE))).toMatchObject({ outcome: 'failed' });
    expect(await jobs.runDue('churn-scan', at(22 * MINUTE))).toMatchObject({ outcome: 'failed' });
    expect(await jobs.runDue('churn-scan', at(33 * MINUTE))).toMatchObject({ outcome: 'already-run' }); // three attempts in all
    expect(job.runs).toHaveLength(3);
  });

  it('runs on demand whenever asked, each time under its own key', async () => {
    const [jobs] = await replicas(1);
    const job = countingJob();
    jobs.register(job);
    const first = await jobs.runNow('churn-scan', at(-DAY));
    const second = await jobs.runNow('churn-scan', at(-DAY));
    expect([first.outcome, second.outcome]).toEqual(['succeeded', 'succeeded']);
    expect(new Set(job.runs).size).toBe(2);
    expect(job.runs.every((key) => key.startsWith('manual:'))).toBe(true);
  });

  it('refuses a bad expression or time zone at registration, not at the first tick', async () => {
    const [jobs] = await replicas(1);
    expect(() => jobs.register({ ...countingJob(), cron: '0 25 * * 6' })).toThrow();
    expect(() => jobs.register({ ...countingJob(), name: 'other', timeZone: 'Mars/Olympus' })).toThrow();
  });
});

const DAY = 24 * 60 * MINUTE;
