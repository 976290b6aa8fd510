import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { withPublishSpan } from '@crm/observability';
import { ConfirmPublisher } from '../broker/confirm-publisher';
import { MESSAGING_OPTIONS, MessagingOptions } from '../messaging.options';
import { OutboxMessage } from './outbox-message.entity';

const BATCH_SIZE = 100;
const LEASE_MS = 30_000;
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

  constructor(
    private readonly orm: MikroORM,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {
    this.publisher = new ConfirmPublisher(options);
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
    if (!this.running) return;
    this.running = false;
    this.wake?.();
    await this.loop;
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
      { leaseOwner: this.owner, leaseUntil: new Date(now.getTime() + LEASE_MS) },
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
    for (const row of mine.slice(run)) {
      row.leaseOwner = null;
      row.leaseUntil = null;
    }
    // The whole batch goes out on the channel in order and the confirms are awaited together:
    // one round trip per batch instead of one per event.
    const results = await Promise.allSettled(leased.map((row) => this.publishRow(row)));
    const firstFailure = results.findIndex((result) => result.status === 'rejected');
    const sent = firstFailure === -1 ? leased.length : firstFailure;
    const sentAt = new Date();
    leased.forEach((row, index) => {
      row.leaseOwner = null;
      row.leaseUntil = null;
      if (index < sent) row.sentAt = sentAt;
    });
    if (firstFailure !== -1) {
      // Order over availability: rows after the failed one go out again after it, even if the
      // broker confirmed them (consumers' inboxes absorb the repeat).
      const failed = leased[firstFailure];
      const reason = (results[firstFailure] as PromiseRejectedResult).reason as Error;
      failed.attempts += 1;
      failed.lastError = reason.message.slice(0, 1000);
      failed.availableAt = new Date(Date.now() + retryDelayMs(failed.attempts));
      this.logger.warn(`publishing ${failed.type} ${failed.eventId} failed (attempt ${failed.attempts}): ${failed.lastError}`);
    }
    await em.flush();
    return sent;
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
