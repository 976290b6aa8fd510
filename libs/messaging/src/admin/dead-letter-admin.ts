import type * as amqp from 'amqplib';
import { topologyNames } from '../messaging.options';
import { DeadLetterError, DeadLetterErrorCode } from './admin.errors';
import { exchangeExists, inspectQueue, OneByOnePublisher, withAdminConnection } from './admin-amqp';
import { DeadLetterDetail, DeadLetterQueueKind, DeadLetterSummary, detail, replayProperties, summarise } from './dead-letter-message';

/** Messages one call looks at, at most: bounds the time and the unacked messages one call holds. */
export const MAX_SCAN = 10_000;
const DLQ = /^([A-Za-z0-9][A-Za-z0-9_-]*)\.events\.dlq$/;

export interface DeadLetterAdminOptions {
  amqpUrl: string;
  /** The events exchange; its unrouted queue is `<exchange>.unrouted`. */
  exchange: string;
  /** AMQP_QUEUE_PREFIX of the services (see MessagingOptions.queuePrefix); default none. */
  queuePrefix?: string;
  /** When given, only these services' dead-letter queues are served (the gateway's allow-list). */
  services?: readonly string[];
  /** Messages one call looks at, at most; default MAX_SCAN. */
  maxScan?: number;
}

export interface DeadLetterQueueInfo {
  queue: string;
  kind: DeadLetterQueueKind;
  service: string | null;
  /** False when the queue was never declared (the service has not run yet): not an error. */
  present: boolean;
  /** Ready messages, as the broker counts them (may lag a moment behind a peek on a quorum queue). */
  messages: number;
}

/** How far a call got: `complete` is false when it stopped (at MAX_SCAN, or aborted) before the queue's end. */
export interface ScanExtent {
  queue: string;
  present: boolean;
  scanned: number;
  complete: boolean;
}

export interface DeadLetterList extends ScanExtent {
  /** Messages of the requested type among those scanned; `items` holds the first `limit` of them. */
  matched: number;
  items: DeadLetterSummary[];
}

export interface DeadLetterSelector {
  ids?: string[];
  type?: string;
  all?: boolean;
}

export interface DeadLetterOutcome extends ScanExtent {
  matched: number;
  /** Replayed or discarded, by action. */
  done: number;
  /** Matching messages left in the queue, and why. */
  failed: { id: string | null; reason: string }[];
  /** Set when the call stopped early because the broker failed it (e.g. no confirm); the rest are untouched. */
  aborted?: string;
}

/**
 * Lists, inspects, replays and discards dead-lettered and unrouted events (operator CLI, gateway
 * endpoint). Messages are read with basic.get without acknowledging them; closing the channel puts
 * every unacknowledged one back in its place, so a peek changes nothing. A replay or discard acks
 * only the messages it took care of, a replay only after the broker confirmed the republished copy.
 */
export class DeadLetterAdmin {
  private readonly unroutedQueue: string;

  constructor(private readonly options: DeadLetterAdminOptions) {
    this.unroutedQueue = topologyNames({ service: '-', exchange: options.exchange }).unroutedQueue;
  }

  /** Each service's dead-letter queue and the unrouted queue, with their message counts. */
  async queues(services: readonly string[] = this.options.services ?? []): Promise<DeadLetterQueueInfo[]> {
    const wanted = [
      ...services.map((service) => ({ queue: topologyNames({ service, exchange: this.options.exchange, queuePrefix: this.options.queuePrefix }).deadLetterQueue, kind: 'dead-letter' as const, service })),
      { queue: this.unroutedQueue, kind: 'unrouted' as const, service: null },
    ];
    for (const { queue } of wanted) this.kindOf(queue);
    return this.connected(async (connection) => {
      const result: DeadLetterQueueInfo[] = [];
      for (const entry of wanted) {
        const state = await inspectQueue(connection, entry.queue);
        result.push({ ...entry, present: state !== null, messages: state?.messages ?? 0 });
      }
      return result;
    });
  }

  /**
   * Up to `limit` messages (of one type, if given), oldest first, and how many match in all; the
   * queue is left as it was. It always reads the whole queue (up to MAX_SCAN), never just the first
   * `limit`: a quorum queue puts returned messages behind the ones nobody took (RabbitMQ 3.10), so
   * returning only a prefix would rotate it, while returning all of them keeps the order.
   */
  async list(queue: string, options: { type?: string; limit?: number } = {}): Promise<DeadLetterList> {
    const kind = this.kindOf(queue);
    const limit = Math.max(1, Math.min(options.limit ?? 100, MAX_SCAN));
    return this.connected(async (connection) => {
      const items: DeadLetterSummary[] = [];
      let matched = 0;
      const extent = await this.scan(connection, queue, async (message) => {
        const summary = summarise(message, kind);
        if (options.type && summary.type !== options.type) return true;
        if (++matched <= limit) items.push(summary);
        return true;
      });
      return { ...extent, matched, items };
    });
  }

  /** One message in full (body, properties, headers); the queue is left as it was (see list). */
  async show(queue: string, id: string): Promise<DeadLetterDetail> {
    const kind = this.kindOf(queue);
    return this.connected(async (connection) => {
      let found: DeadLetterDetail | undefined;
      await this.scan(connection, queue, async (message) => {
        if (!found && summarise(message, kind).id === id) found = detail(message, kind);
        return true;
      });
      if (!found) throw new DeadLetterError(DeadLetterErrorCode.MessageNotFound, `No message with id ${id} in ${queue}.`);
      return found;
    });
  }

  /**
   * Republishes the selected messages where they came from: a dead letter to its consumer queue
   * (default exchange), an unrouted event to the events exchange with its routing key. An event
   * that still has no binding is taken by the alternate exchange back into the unrouted queue, at
   * its tail: not lost, and not seen again by this call, which stops at the depth it started with.
   */
  async replay(queue: string, selector: DeadLetterSelector): Promise<DeadLetterOutcome> {
    const kind = this.kindOf(queue);
    const selects = selection(selector);
    return this.connected(async (connection) => {
      if (kind === 'unrouted' && !(await exchangeExists(connection, this.options.exchange))) {
        return this.scanAndHandle(connection, queue, kind, selects, async () => `exchange ${this.options.exchange} does not exist`);
      }
      const confirmChannel = await connection.createConfirmChannel();
      const publisher = new OneByOnePublisher(confirmChannel);
      return this.scanAndHandle(connection, queue, kind, selects, async (message, summary, channel) => {
        const target = this.replayTarget(queue, kind, message, summary);
        if ('refused' in target) return target.refused;
        const outcome = await publisher.publish(target.exchange, target.routingKey, message.content, replayProperties(message));
        if (outcome === 'returned') return `no queue ${target.routingKey} to take it (has the service ever started?)`;
        channel.ack(message);
        return null;
      });
    });
  }

  /** Deletes the selected messages for good. */
  async discard(queue: string, selector: DeadLetterSelector): Promise<DeadLetterOutcome> {
    const kind = this.kindOf(queue);
    const selects = selection(selector);
    return this.connected((connection) =>
      this.scanAndHandle(connection, queue, kind, selects, async (message, _summary, channel) => {
        channel.ack(message);
        return null;
      }),
    );
  }

  /** The kind of an allowed queue; anything else is refused, so the tools never touch live queues. */
  kindOf(queue: string): DeadLetterQueueKind {
    if (queue === this.unroutedQueue) return 'unrouted';
    const prefix = this.options.queuePrefix ?? '';
    const service = queue.startsWith(prefix) ? DLQ.exec(queue.slice(prefix.length))?.[1] : undefined;
    if (service && (!this.options.services || this.options.services.includes(service))) return 'dead-letter';
    throw new DeadLetterError(DeadLetterErrorCode.UnknownQueue, `${queue} is neither a known dead-letter queue (<service>.events.dlq) nor ${this.unroutedQueue}.`);
  }

  /**
   * A dead letter goes back only to its own service's consumer queue (`x.events.dlq` → `x.events`):
   * the headers naming the origin are checked against it, not trusted, so a forged header cannot
   * make a replay feed some other queue.
   */
  private replayTarget(
    queue: string,
    kind: DeadLetterQueueKind,
    message: amqp.GetMessage,
    summary: DeadLetterSummary,
  ): { exchange: string; routingKey: string } | { refused: string } {
    if (kind === 'unrouted') return { exchange: this.options.exchange, routingKey: message.fields.routingKey || summary.type || '' };
    const consumerQueue = queue.slice(0, -'.dlq'.length);
    if (summary.originalQueue && summary.originalQueue !== consumerQueue) {
      return { refused: `came from ${summary.originalQueue}, not ${consumerQueue}; not replayed` };
    }
    return { exchange: '', routingKey: consumerQueue };
  }

  /** Scans the queue, hands each selected message to `handle` (null = done, else why not). */
  private async scanAndHandle(
    connection: amqp.ChannelModel,
    queue: string,
    kind: DeadLetterQueueKind,
    selects: (summary: DeadLetterSummary) => boolean,
    handle: (message: amqp.GetMessage, summary: DeadLetterSummary, channel: amqp.Channel) => Promise<string | null>,
  ): Promise<DeadLetterOutcome> {
    let matched = 0;
    let done = 0;
    let aborted: string | undefined;
    const failed: DeadLetterOutcome['failed'] = [];
    const extent = await this.scan(connection, queue, async (message, channel) => {
      const summary = summarise(message, kind);
      if (!selects(summary)) return true;
      matched++;
      try {
        const problem = await handle(message, summary, channel);
        if (problem) failed.push({ id: summary.id, reason: problem });
        else done++;
        return true;
      } catch (error) {
        // The copy may or may not have been taken; the original stays (a repeat is absorbed by inboxes).
        aborted = (error as Error).message;
        failed.push({ id: summary.id, reason: aborted });
        return false;
      }
    });
    return { ...extent, matched, done, failed, ...(aborted ? { aborted, complete: false } : {}) };
  }

  /**
   * Gets messages one by one without acking until the queue is empty or as many as it held at the
   * first get were seen (messages arriving later, replayed ones among them, queue up behind and are
   * left alone), at most MAX_SCAN, or `visit` aborts. Closing the channel returns the unacked ones
   * in their order.
   */
  private async scan(
    connection: amqp.ChannelModel,
    queue: string,
    visit: (message: amqp.GetMessage, channel: amqp.Channel) => Promise<boolean>,
  ): Promise<ScanExtent> {
    if (!(await inspectQueue(connection, queue))) return { queue, present: false, scanned: 0, complete: true };
    const channel = await connection.createChannel();
    channel.on('error', () => undefined); // surfaces as the rejection of the pending call
    const maxScan = this.options.maxScan ?? MAX_SCAN;
    let scanned = 0;
    let depth = Infinity;
    let complete = false;
    try {
      while (scanned < maxScan) {
        const message = await channel.get(queue, { noAck: false });
        if (!message) {
          complete = true;
          break;
        }
        // get-ok counts what is left behind this message; quorum queues' declare-ok count may lag.
        if (scanned === 0) depth = message.fields.messageCount + 1;
        scanned++;
        const goOn = await visit(message, channel);
        if (scanned >= depth) {
          complete = true;
          break;
        }
        if (!goOn) break;
      }
    } finally {
      await channel.close().catch(() => undefined);
    }
    return { queue, present: true, scanned, complete };
  }

  private connected<T>(work: (connection: amqp.ChannelModel) => Promise<T>): Promise<T> {
    return withAdminConnection(
      this.options.amqpUrl,
      'crm-dead-letter-admin',
      (message) => new DeadLetterError(DeadLetterErrorCode.BrokerUnavailable, message),
      work,
    );
  }
}

/** Exactly one of: ids, a type, or all — a destructive command never guesses what was meant. */
function selection(selector: DeadLetterSelector): (summary: DeadLetterSummary) => boolean {
  const ids = selector.ids?.filter(Boolean) ?? [];
  const given = [ids.length > 0, Boolean(selector.type), selector.all === true].filter(Boolean).length;
  if (given === 0) throw new DeadLetterError(DeadLetterErrorCode.NothingSelected, 'Select messages by ids, by type, or all.');
  if (given > 1) throw new DeadLetterError(DeadLetterErrorCode.AmbiguousSelector, 'Select messages by ids, by type, or all — only one of them.');
  if (ids.length) {
    const wanted = new Set(ids);
    return (summary) => summary.id !== null && wanted.has(summary.id);
  }
  if (selector.type) return (summary) => summary.type === selector.type;
  return () => true;
}
