import type * as amqp from 'amqplib';
import { MessagingOptions, topologyNames } from '../messaging.options';
import { declaredQueues, eventsExchangeArguments } from '../broker/topology';
import { TopologyError, TopologyErrorCode } from './admin.errors';
import { amqpCode, brokerMessage, exchangeExists, inspectQueue, onThrowawayChannel, settledQueueState, withAdminConnection } from './admin-amqp';
import { movedProperties } from './dead-letter-message';

/** What the topology tools need of a service's messaging options. */
export type TopologyTarget = Pick<MessagingOptions, 'service' | 'exchange' | 'amqpUrl' | 'consumes'>;

export interface TopologyCheckEntry {
  kind: 'exchange' | 'queue';
  name: string;
  /** `migrating`: a `<queue>.migrating` left by an interrupted migration; run the migration again. */
  status: 'ok' | 'missing' | 'mismatch' | 'migrating';
  /** The broker's reason for a mismatch, or what to do. */
  detail?: string;
}

export interface TopologyReport {
  service: string;
  /** True when nothing is mismatched or half-migrated (missing entities are declared by the service). */
  ok: boolean;
  entries: TopologyCheckEntry[];
}

export interface MigrationResult {
  queue: string;
  /** `created`: the queue did not exist; `current`: it already had the current arguments. */
  status: 'migrated' | 'resumed' | 'created' | 'current';
  /** Messages moved into the new queue. */
  moved: number;
  /**
   * Messages deleted with a queue because they arrived between its last get and its delete (quorum
   * queues have no delete-if-empty). Zero when the procedure was followed; the CLI fails otherwise.
   */
  lost: number;
  steps: string[];
}

const BATCH = 100;

/**
 * Compares what the broker has with what this version of the service declares, without changing
 * anything: each entity is first looked up passively (absent → `missing`, the service declares it
 * on start), then declared again with the current arguments on a throwaway channel, which the broker
 * closes with 406 PRECONDITION_FAILED when the existing one differs.
 */
export async function checkTopology(target: TopologyTarget): Promise<TopologyReport> {
  const names = topologyNames(target);
  const exchanges: { name: string; type: string; arguments?: Record<string, unknown> }[] = [
    { name: names.unroutedExchange, type: 'fanout' },
    { name: names.exchange, type: 'topic', arguments: eventsExchangeArguments(target) },
    ...(target.consumes ? [{ name: names.deadLetterExchange, type: 'direct' }] : []),
  ];
  return connected(target, async (connection) => {
    const entries: TopologyCheckEntry[] = [];
    for (const exchange of exchanges) {
      if (!(await exchangeExists(connection, exchange.name))) {
        entries.push({ kind: 'exchange', name: exchange.name, status: 'missing' });
        continue;
      }
      const refused = await refusal(connection, (channel) => channel.assertExchange(exchange.name, exchange.type, { durable: true, arguments: exchange.arguments }));
      entries.push({ kind: 'exchange', name: exchange.name, status: refused ? 'mismatch' : 'ok', ...(refused ? { detail: refused } : {}) });
    }
    for (const { queue, arguments: args } of declaredQueues(withDefaults(target))) {
      if (!(await inspectQueue(connection, queue))) {
        entries.push({ kind: 'queue', name: queue, status: 'missing' });
      } else {
        const refused = await refusal(connection, (channel) => channel.assertQueue(queue, { durable: true, arguments: args }));
        entries.push({ kind: 'queue', name: queue, status: refused ? 'mismatch' : 'ok', ...(refused ? { detail: `${refused}; run: topology migrate --service ${target.service} --queue ${queue}` } : {}) });
      }
      if (await inspectQueue(connection, temporaryOf(queue))) {
        entries.push({ kind: 'queue', name: temporaryOf(queue), status: 'migrating', detail: `an interrupted migration of ${queue}; run it again to finish` });
      }
    }
    return { service: target.service, ok: entries.every((e) => e.status === 'ok' || e.status === 'missing'), entries };
  });
}

/**
 * Recreates one of the service's queues with its current arguments, keeping its messages: they are
 * moved to `<queue>.migrating` (get → publish with confirm → ack), the queue is deleted and declared
 * anew, and they are moved back. Every step is idempotent, so an interrupted run is finished by
 * running it again. The consumers of the queue must be stopped first (the queue is deleted under
 * them otherwise); `bindings` (the service's event types) keep events published meanwhile flowing
 * into the temporary queue, else the ones no other queue takes wait in the unrouted queue.
 * A crash between a confirm and its ack leaves a message in both queues: consumers' inboxes absorb it.
 */
export async function migrateQueue(target: TopologyTarget, queue: string, options: { bindings?: string[] } = {}): Promise<MigrationResult> {
  const all = declaredQueues(withDefaults({ ...target, consumes: true }));
  const declared = all.find((q) => q.queue === queue);
  if (!declared) throw new TopologyError(TopologyErrorCode.UnknownQueue, `${queue} is not a queue of ${target.service} (${all.map((q) => q.queue).join(', ')}).`);
  const temporary = temporaryOf(queue);
  const bindings = [...knownBindings(target, queue), ...(options.bindings ?? []).map((pattern) => ({ exchange: target.exchange, pattern }))];
  return connected(target, async (connection) => {
    const steps: string[] = [];
    const current = await settledQueueState(connection, queue);
    const interrupted = (await inspectQueue(connection, temporary)) !== null;
    const matches = current ? !(await refusal(connection, (channel) => channel.assertQueue(queue, { durable: true, arguments: declared.arguments }))) : false;
    if (current && matches && !interrupted) return { queue, status: 'current', moved: 0, lost: 0, steps: ['the queue already has the current arguments'] };

    let lost = 0;
    if (current && !matches) {
      if (current.consumers > 0) throw inUse(queue, current.consumers);
      await ensureNoPendingRetries(connection, target, queue);
      await onThrowawayChannel(connection, (channel) => channel.assertQueue(temporary, { durable: true, arguments: { 'x-queue-type': 'quorum' } }));
      await bind(connection, temporary, bindings, steps);
      await unbind(connection, queue, bindings, steps);
      const out = await drainAndDelete(connection, queue, temporary);
      lost += out.lost;
      steps.push(`moved ${out.moved} messages to ${temporary} and deleted ${queue}` + (out.lost ? `; ${out.lost} arrived in between and were LOST` : ''));
    }
    if (!current || !matches) {
      await onThrowawayChannel(connection, (channel) => channel.assertQueue(queue, { durable: true, arguments: declared.arguments }));
      steps.push(`declared ${queue} with ${JSON.stringify(declared.arguments)}`);
    }
    await bind(connection, queue, bindings, steps);
    let moved = 0;
    if (interrupted || (current && !matches)) {
      // Bound first, unbound second: a message in between lands in both (duplicate), never in neither.
      await unbind(connection, temporary, bindings, steps);
      const back = await drainAndDelete(connection, temporary, queue);
      moved = back.moved;
      lost += back.lost;
      steps.push(`moved ${moved} messages back from ${temporary} and deleted it` + (back.lost ? `; ${back.lost} arrived in between and were LOST` : ''));
    }
    const status = interrupted ? 'resumed' : current ? 'migrated' : 'created';
    return { queue, status, moved, lost, steps };
  });
}

export function temporaryOf(queue: string): string {
  return `${queue}.migrating`;
}

/** Bindings the topology itself makes (assertTopology); a consumer queue's come from its handlers. */
function knownBindings(target: TopologyTarget, queue: string): { exchange: string; pattern: string }[] {
  const names = topologyNames(target);
  if (queue === names.deadLetterQueue) return [{ exchange: names.deadLetterExchange, pattern: names.consumerQueue }];
  if (queue === names.unroutedQueue) return [{ exchange: names.unroutedExchange, pattern: '' }];
  return [];
}

/** declaredQueues reads only service, exchange and consumes; the rest of MessagingOptions is tuning. */
function withDefaults(target: TopologyTarget): MessagingOptions {
  return { prefetch: 1, deliveryLimit: 1, outboxPollMs: 1_000, ...target };
}

async function bind(connection: amqp.ChannelModel, queue: string, bindings: { exchange: string; pattern: string }[], steps: string[]) {
  for (const { exchange, pattern } of bindings) {
    // An exchange the service never declared yet is declared, with these bindings, when it starts.
    if (!(await exchangeExists(connection, exchange))) {
      steps.push(`skipped binding ${queue} to ${exchange}: no such exchange yet`);
      continue;
    }
    await onThrowawayChannel(connection, (channel) => channel.bindQueue(queue, exchange, pattern));
    steps.push(`bound ${queue} to ${exchange} with '${pattern}'`);
  }
}

async function unbind(connection: amqp.ChannelModel, queue: string, bindings: { exchange: string; pattern: string }[], steps: string[]) {
  for (const { exchange, pattern } of bindings) {
    try {
      await onThrowawayChannel(connection, (channel) => channel.unbindQueue(queue, exchange, pattern));
      steps.push(`unbound ${queue} from ${exchange} '${pattern}'`);
    } catch (error) {
      if (amqpCode(error) !== 404) throw error; // no such exchange or queue: nothing was bound
    }
  }
}

/**
 * Moves every message of `from` to `to`, then deletes `from`. Quorum queues support no
 * conditional delete (if-empty / if-unused), so the delete follows the last empty get at once and
 * whatever the broker still counted in it is reported as lost: zero when nothing publishes into it,
 * which is what stopping the consumers, unbinding and (for a consumer queue) empty retry queues
 * ensure.
 */
async function drainAndDelete(connection: amqp.ChannelModel, from: string, to: string): Promise<{ moved: number; lost: number }> {
  const moved = await move(connection, from, to);
  const state = await settledQueueState(connection, from);
  if (!state) return { moved, lost: 0 };
  if (state.consumers > 0) throw inUse(from, state.consumers);
  const deleted = await onThrowawayChannel(connection, (channel) => channel.deleteQueue(from));
  return { moved, lost: deleted.messageCount };
}

/** Moves in batches: get up to BATCH, publish them, await the confirms, then ack them all at once. */
async function move(connection: amqp.ChannelModel, from: string, to: string): Promise<number> {
  const source = await connection.createChannel();
  const sink = await connection.createConfirmChannel();
  let returned = false;
  sink.on('return', () => (returned = true));
  let moved = 0;
  try {
    for (;;) {
      const batch: amqp.GetMessage[] = [];
      while (batch.length < BATCH) {
        const message = await source.get(from, { noAck: false });
        if (!message) break;
        batch.push(message);
      }
      if (!batch.length) return moved;
      for (const message of batch) sink.publish('', to, message.content, { ...movedProperties(message), persistent: true, mandatory: true });
      await sink.waitForConfirms();
      if (returned) throw new TopologyError(TopologyErrorCode.MigrationFailed, `${to} did not take the messages; nothing was acked, ${from} still holds them.`);
      source.ack(batch[batch.length - 1], true);
      moved += batch.length;
    }
  } finally {
    await source.close().catch(() => undefined);
    await sink.close().catch(() => undefined);
  }
}

/** The broker's refusal of a declaration (406), or null when it accepted it unchanged. */
async function refusal(connection: amqp.ChannelModel, declare: (channel: amqp.Channel) => Promise<unknown>): Promise<string | null> {
  try {
    await onThrowawayChannel(connection, declare);
    return null;
  } catch (error) {
    if (amqpCode(error) === 406) return brokerMessage(error);
    throw error;
  }
}

/**
 * Failed messages wait in the retry queues for up to a minute, then expire into the consumer
 * queue by the default exchange, which no unbinding stops: while the consumer queue is away they
 * would be dropped. With the consumers stopped, the retry queues run empty within a minute.
 */
async function ensureNoPendingRetries(connection: amqp.ChannelModel, target: TopologyTarget, queue: string): Promise<void> {
  const names = topologyNames(target);
  if (queue !== names.consumerQueue) return;
  for (const { queue: retryQueue } of names.retryQueues) {
    const waiting = (await inspectQueue(connection, retryQueue))?.messages ?? 0;
    if (waiting > 0) {
      throw new TopologyError(TopologyErrorCode.RetriesPending, `${retryQueue} still holds ${waiting} message(s) due back in ${queue}; with the consumers stopped, wait a minute and run again.`);
    }
  }
}

function inUse(queue: string, consumers: number): TopologyError {
  return new TopologyError(TopologyErrorCode.QueueInUse, `${queue} has ${consumers} consumer(s); scale the service's consumers to 0 first.`);
}

function connected<T>(target: TopologyTarget, work: (connection: amqp.ChannelModel) => Promise<T>): Promise<T> {
  return withAdminConnection(target.amqpUrl, `crm-topology-${target.service}`, (message) => new TopologyError(TopologyErrorCode.BrokerUnavailable, message), work);
}
