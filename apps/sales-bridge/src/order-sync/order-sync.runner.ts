import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { JobLeases } from '@crm/messaging';
import { OrderSync } from './order-sync.service';

export const ORDER_SYNC_SCHEDULE = Symbol('ORDER_SYNC_SCHEDULE');

export interface OrderSyncSchedule {
  enabled: boolean;
  pollMs: number;
}

const JOB = 'order-sync';

/**
 * Runs the order sync on one replica at a time (a lease in the bridge's database): a poll every
 * `pollMs`, or straight after the last one while it is behind (a first sync of a large sales
 * database), yielding to the event loop between polls so queries keep being answered. A poll
 * that fails (the sales system down) is tried again at the next interval.
 */
@Injectable()
export class OrderSyncRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('OrderSync');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  private failing = false;

  constructor(
    private readonly sync: OrderSync,
    private readonly leases: JobLeases,
    @Inject(ORDER_SYNC_SCHEDULE) private readonly schedule: OrderSyncSchedule,
  ) {}

  onApplicationBootstrap(): void {
    if (this.schedule.enabled) this.next(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await this.leases.release(JOB).catch(() => undefined);
  }

  private next(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.once().then((behind) => this.next(behind ? 0 : this.schedule.pollMs));
    }, delayMs);
  }

  /** One poll if this replica holds the lease; true when there is more to do at once. */
  private async once(): Promise<boolean> {
    try {
      if (!(await this.leases.acquire(JOB, Math.max(30_000, this.schedule.pollMs * 5)))) return false;
      const result = await this.sync.poll();
      if (this.failing) this.logger.log('order sync reads the sales system again');
      this.failing = false;
      if (result.published > 0) this.logger.debug(`order sync: ${result.compared} compared, ${result.published} recorded`);
      return result.behind;
    } catch (error) {
      if (!this.failing) this.logger.warn(`order sync paused: ${error instanceof Error ? error.message : String(error)}`);
      this.failing = true;
      return false;
    }
  }
}
