import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { MikroORM, UniqueConstraintViolationException } from '@mikro-orm/core';
import { JobLease } from './job-lease.entity';

/**
 * Lets exactly one replica of a service run a periodic job at a time (a purge, an import, a
 * report): a row per job, held for a while by its owner. Portable across SQLite, PostgreSQL and
 * SQL Server: one conditional UPDATE, or the first INSERT, wins.
 */
@Injectable()
export class JobLeases {
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

  constructor(private readonly orm: MikroORM) {}

  /** Takes (or extends) the lease on `job` for `ttlMs`; false when another replica holds it. */
  async acquire(job: string, ttlMs: number, now = new Date()): Promise<boolean> {
    const em = this.orm.em.fork();
    const until = new Date(now.getTime() + ttlMs);
    const taken = await em.nativeUpdate(
      JobLease,
      { name: job, $or: [{ until: { $lt: now } }, { owner: this.owner }] },
      { owner: this.owner, until },
    );
    if (taken > 0) return true;
    try {
      await em.insert(JobLease, { name: job, owner: this.owner, until });
      return true;
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) return false; // held by another replica
      throw error;
    }
  }

  async release(job: string): Promise<void> {
    await this.orm.em.fork().nativeUpdate(JobLease, { name: job, owner: this.owner }, { until: new Date(0) });
  }
}
