import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { InboxMessage } from './inbox/inbox-message.entity';
import { MESSAGING_OPTIONS, MessagingOptions } from './messaging.options';
import { OutboxMessage } from './outbox/outbox-message.entity';

const HOUR_MS = 3600_000;
const DEFAULT_RETENTION = { outboxHours: 7 * 24, inboxHours: 30 * 24 };
/** Every replica purges; the deletes are idempotent, so running them twice costs nothing. */
const PURGE_EVERY_MS = 15 * 60_000;

/**
 * Keeps the outbox and inbox tables from growing forever: sent outbox rows and old inbox marks
 * are deleted after their retention. Unsent rows are never touched.
 */
@Injectable()
export class MessagingHousekeeping implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MessagingHousekeeping.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly orm: MikroORM,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.purge().catch((error: Error) => this.logger.warn(`purge failed: ${error.message}`));
    }, PURGE_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async purge(now = new Date()): Promise<{ outbox: number; inbox: number }> {
    const retention = this.options.retention ?? DEFAULT_RETENTION;
    const em = this.orm.em.fork();
    const outbox = await em.nativeDelete(OutboxMessage, {
      sentAt: { $ne: null, $lt: new Date(now.getTime() - retention.outboxHours * HOUR_MS) },
    });
    const inbox = await em.nativeDelete(InboxMessage, { processedAt: { $lt: new Date(now.getTime() - retention.inboxHours * HOUR_MS) } });
    if (outbox || inbox) this.logger.log(`purged ${outbox} sent outbox rows and ${inbox} inbox marks`);
    return { outbox, inbox };
  }
}
