import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { EntityManager, MikroORM } from '@mikro-orm/core';
import { withPublishSpan } from '@crm/observability';
import { ConfirmPublisher } from '../broker/confirm-publisher';
import { MessagingMetrics } from '../metrics/messaging.metrics';
import { MESSAGING_OPTIONS, MessagingOptions } from '../messaging.options';
import { OutboxMessage } from './outbox-message.entity';

const BATCH_SIZE = 100;
const DEFAULT_LEASE_MS = 30_000;
const MAX_BACKOFF_MS = 60_000;

/** 0.5 s, 1 s, 2 s … capped at a minute: an outage is retried without hammering the broker. */
export function retryDelayMs(attempts: number): number {
  return Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.max(0, attempts - 1));
}

/**
 * Publishes committed outbox rows in the order they were written. Runs in every replica: rows are leased before they are
 * published, so two relays never publish the same row while the lease holds; a crashed relay's
 * lease expires and another takes over (the event may then be published twice, which consumers'
 * inboxes absorb). A commit pokes the relay, so an event normally leaves within milliseconds;
 * the poll interval only bounds the wait after a missed poke or a failure.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly owner = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly publisher: ConfirmPublisher;
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private pokedWhileBusy = false;
  private failing = false;
  private readonly leaseMs: number;

  constructor(
    private readonly orm: MikroORM,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    @Optional() private readonly metrics?: MessagingMetrics,
  ) {
    this.publisher = new ConfirmPublisher(options);
    this.leaseMs = options.outboxLeaseMs ?? DEFAULT_LEASE_MS;
  }

  get brokerConnected(): boolean {
    return this.publisher.connected;
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Called after commits that may have written outbox rows. */
  poke(): void {
    // While the broker is unreachable, commits must not turn into connection attempts: the
    // loop keeps its own retry pace until a pass succeeds again.
    if (this.failing) return;
    if (this.wake) this.wake();
    else this.pokedWhileBusy = true;
  }

  /** Stops after the batch in flight (its confirms are awaited) and closes the connection. */
  async stop(): Promise<void> {
    if (this.running) {
      this.running = false;
      this.wake?.();
      await this.loop;
    }
    await this.publisher.close();
  }

  /** Number of events not yet confirmed by the broker (for health details and tests). */
  async backlog(): Promise<number> {
    return this.orm.em.fork().count(OutboxMessage, { sentAt: null });
  }

  /** One pass: lease due rows, publish them in order, record the outcome. Returns rows sent. */
  async relayOnce(): Promise<number> {
    const em = this.orm.em.fork();
    const now = new Date();
    // The head of the queue in order; a row waiting for its retry holds back the rows behind it,
    // so events leave in the order their rows were written. (Across aggregates that is insert
    // order, not strictly commit order; for one aggregate the two agree, because its next change
    // starts only after the previous one committed.)
    const head = await em.find(
      OutboxMessage,
      { sentAt: null },
      { orderBy: { seq: 'asc' }, limit: BATCH_SIZE, fields: ['seq', 'availableAt'] },
    );
    const firstWaiting = head.findIndex((row) => row.availableAt > now);
    const due = firstWaiting === -1 ? head : head.slice(0, firstWaiting);
    if (due.length === 0) return 0;
    const seqs = due.map((row) => row.seq);
    await em.nativeUpdate(
      OutboxMessage,
      { seq: { $in: seqs }, sentAt: null, $or: [{ leaseUntil: null }, { leaseUntil: { $lt: now } }] },
      { leaseOwner: this.owner, leaseUntil: new Date(now.getTime() + this.leaseMs) },
    );
    const mine = await em.find(
      OutboxMessage,
      { seq: { $in: seqs }, leaseOwner: this.owner, sentAt: null },
      { orderBy: { seq: 'asc' } },
    );
    // Publish only an unbroken run from the head: if another replica holds an earlier row, this
    // one would overtake it. Rows leased beyond the run are handed back at once.
    const mineSeqs = new Set(mine.map((row) => row.seq));
    let run = 0;
    while (run < due.length && mineSeqs.has(due[run].seq)) run++;
    const leased = mine.slice(0, run);
    const surplus = mine.slice(run).map((row) => row.seq);
    if (surplus.length > 0) await this.release(em, surplus);
    if (leased.length === 0) return 0;
    await this.beforePublish(leased);
    // A relay that stalled (GC pause, slow database, blocked event loop) past its lease may have
    // been overtaken by another replica that published these rows already: publish only what is
    // still ours, extending the lease, and only an unbroken run from the head.
    const held = await this.stillHeld(em, leased);
    if (held.length < leased.length) {
      this.logger.warn(`lease lost on ${leased.length - held.length} outbox rows before publishing; another relay has them`);
    }
    if (held.length === 0) return 0;
    // The whole batch goes out on the channel in order and the confirms are awaited together:
    // one round trip per batch instead of one per event.
    const results = await Promise.allSettled(held.map((row) => this.publishRow(row)));
    const firstFailure = results.findIndex((result) => result.status === 'rejected');
    const sent = firstFailure === -1 ? held.length : firstFailure;
    held.slice(0, sent).forEach((row) => this.metrics?.published(row.type));
    // Marked only where the lease still holds: a row this relay no longer owns is another's to mark.
    const marked = await em.nativeUpdate(
      OutboxMessage,
      { seq: { $in: held.slice(0, sent).map((row) => row.seq) }, leaseOwner: this.owner, sentAt: null },
      { sentAt: new Date(), leaseOwner: null, leaseUntil: null },
    );
    if (marked < sent) this.logger.warn(`lease lost on ${sent - marked} published outbox rows; they may be published again (consumers dedupe by id)`);
    if (firstFailure !== -1) {
      // Order over availability: rows after the failed one go out again after it, even if the
      // broker confirmed them (consumers' inboxes absorb the repeat; `data.version` orders them).
      const failed = held[firstFailure];
      const reason = (results[firstFailure] as PromiseRejectedResult).reason as Error;
      const attempts = failed.attempts + 1;
      const lastError = reason.message.slice(0, 1000);
      this.metrics?.publishFailed(failed.type);
      await em.nativeUpdate(
        OutboxMessage,
        { seq: failed.seq, leaseOwner: this.owner },
        { attempts, lastError, availableAt: new Date(Date.now() + retryDelayMs(attempts)), leaseOwner: null, leaseUntil: null },
      );
      await this.release(em, held.slice(firstFailure + 1).map((row) => row.seq));
      this.logger.warn(`publishing ${failed.type} ${failed.eventId} failed (attempt ${attempts}): ${lastError}`);
    }
    return sent;
  }

  /**
   * Test seam: runs after the rows were leased and before the lease is re-checked and they are
   * published (a test stalls here to play a relay that lost its lease). Does nothing in service.
   */
  protected async beforePublish(_rows: OutboxMessage[]): Promise<void> {}

  /** Extends the lease on the rows this relay still holds; returns the unbroken run of them from the first. */
  private async stillHeld(em: EntityManager, rows: OutboxMessage[]): Promise<OutboxMessage[]> {
    const now = new Date();
    await em.nativeUpdate(
      OutboxMessage,
      { seq: { $in: rows.map((row) => row.seq) }, leaseOwner: this.owner, leaseUntil: { $gt: now }, sentAt: null },
      { leaseUntil: new Date(now.getTime() + this.leaseMs) },
    );
    const confirmed = await em.find(
      OutboxMessage,
      { seq: { $in: rows.map((row) => row.seq) }, leaseOwner: this.owner, leaseUntil: { $gt: now }, sentAt: null },
      { fields: ['seq'], disableIdentityMap: true },
    );
    const ours = new Set(confirmed.map((row) => row.seq));
    let run = 0;
    while (run < rows.length && ours.has(rows[run].seq)) run++;
    if (run < rows.length) await this.release(em, rows.slice(run).map((row) => row.seq));
    return rows.slice(0, run);
  }

  private async release(em: EntityManager, seqs: number[]): Promise<void> {
    if (seqs.length === 0) return;
    await em.nativeUpdate(OutboxMessage, { seq: { $in: seqs }, leaseOwner: this.owner }, { leaseOwner: null, leaseUntil: null });
  }

  private publishRow(row: OutboxMessage): Promise<void> {
    // The row's headers carry the traceparent and correlation id of the request that wrote it.
    const headers: Record<string, string> = { ...row.headers };
    return withPublishSpan(
      { destination: this.options.exchange, routingKey: row.type, messageId: row.eventId },
      headers,
      () => this.publisher.publish(row.toCloudEvent(), headers),
    );
  }

  private async run(): Promise<void> {
    let lastFailure = '';
    while (this.running) {
      let sent = 0;
      try {
        await this.publisher.ensureOpen();
        sent = await this.relayOnce();
        if (lastFailure) this.logger.log('outbox relay recovered');
        lastFailure = '';
        this.failing = false;
      } catch (error) {
        // Logged once per distinct failure: an outage must not flood the logs every poll.
        const failure = (error as Error).message;
        if (failure !== lastFailure) this.logger.error(`outbox relay cannot publish: ${failure}`);
        lastFailure = failure;
        this.failing = true;
        this.pokedWhileBusy = false;
      }
      if (!this.running) break;
      if (sent === BATCH_SIZE || this.pokedWhileBusy) {
        this.pokedWhileBusy = false;
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, this.options.outboxPollMs);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.wake = done;
      });
      this.wake = null;
    }
  }
}
