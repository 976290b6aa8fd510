import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { InboxMessage } from './inbox/inbox-message.entity';
import { JobLeases } from './jobs/job-leases';
import { MESSAGING_OPTIONS, MessagingOptions } from './messaging.options';
import { OutboxMessage } from './outbox/outbox-message.entity';

const HOUR_MS = 3600_000;
const DEFAULT_RETENTION = { outboxHours: 7 * 24, inboxHours: 30 * 24 };
const PURGE_EVERY_MS = 15 * 60_000;
const PURGE_JOB = 'messaging-purge';
/**
 * Rows per DELETE: small enough that SQL Server keeps row locks (it escalates to a table lock at
 * about 5,000), so the purge never blocks the writes of requests and consumers.
 */
export const PURGE_BATCH = 1_000;
/** A pause between batches hands the table back to the service's own writes. */
const PAUSE_BETWEEN_BATCHES_MS = 20;

/**
 * Keeps the outbox and inbox tables from growing forever: sent outbox rows and old inbox marks
 * are deleted after their retention, in bounded batches, by one replica at a time (a job lease).
 * Unsent rows are never touched.
 */
@Injectable()
export class MessagingHousekeeping implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MessagingHousekeeping.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly orm: MikroORM,
    private readonly leases: JobLeases,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.purgeIfLeader().catch((error: Error) => this.logger.warn(`purge failed: ${error.message}`));
    }, PURGE_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Purges only if no other replica is purging; null when it left the job to another one. */
  async purgeIfLeader(now = new Date()): Promise<{ outbox: number; inbox: number } | null> {
    if (!(await this.leases.acquire(PURGE_JOB, PURGE_EVERY_MS, now))) return null;
    return this.purge(now);
  }

  async purge(now = new Date()): Promise<{ outbox: number; inbox: number }> {
    const retention = this.options.retention ?? DEFAULT_RETENTION;
    const outboxCutoff = new Date(now.getTime() - retention.outboxHours * HOUR_MS);
    const inboxCutoff = new Date(now.getTime() - retention.inboxHours * HOUR_MS);
    const outbox = await this.inBatches(async () => {
      const em = this.orm.em.fork();
      const rows = await em.find(
        OutboxMessage,
        { sentAt: { $ne: null, $lt: outboxCutoff } },
        { fields: ['seq'], orderBy: { seq: 'asc' }, limit: PURGE_BATCH, disableIdentityMap: true },
      );
      return rows.length === 0 ? 0 : em.nativeDelete(OutboxMessage, { seq: { $in: rows.map((row) => row.seq) } });
    });
    const inbox = await this.inBatches(async () => {
      const em = this.orm.em.fork();
      // The inbox key is composite: delete up to the processedAt of the batch's last mark.
      const marks = await em.find(
        InboxMessage,
        { processedAt: { $lt: inboxCutoff } },
        { fields: ['consumer', 'eventId', 'processedAt'], orderBy: { processedAt: 'asc' }, limit: PURGE_BATCH, disableIdentityMap: true },
      );
      if (marks.length === 0) return 0;
      return em.nativeDelete(InboxMessage, { processedAt: { $lt: inboxCutoff, $lte: marks[marks.length - 1].processedAt } });
    });
    if (outbox || inbox) this.logger.log(`purged ${outbox} sent outbox rows and ${inbox} inbox marks`);
    return { outbox, inbox };
  }

  private async inBatches(deleteBatch: () => Promise<number>): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await deleteBatch();
      total += deleted;
      if (deleted < PURGE_BATCH) return total;
      await new Promise((resolve) => setTimeout(resolve, PAUSE_BETWEEN_BATCHES_MS));
    }
  }
}
