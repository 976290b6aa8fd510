import * as amqp from 'amqplib';
import { DomainError } from '@crm/contracts';

const CONNECT_TIMEOUT_MS = 5_000;
const CONFIRM_TIMEOUT_MS = 10_000;

/**
 * Runs one admin operation on a connection of its own, closed afterwards (unacked messages go
 * back to their queues with it). Opened per call, so a process holding the admin (the gateway)
 * starts and serves while the broker is away; an unreachable or lost broker becomes `unavailable`.
 */
export async function withAdminConnection<T>(
  url: string,
  connectionName: string,
  unavailable: (message: string) => Error,
  work: (connection: amqp.ChannelModel) => Promise<T>,
): Promise<T> {
  let connection: amqp.ChannelModel;
  try {
    connection = await amqp.connect(url, { timeout: CONNECT_TIMEOUT_MS, clientProperties: { connection_name: connectionName } });
  } catch (error) {
    throw unavailable(`Cannot reach the message broker: ${(error as Error).message}`);
  }
  let lost: Error | null = null;
  connection.on('error', (error: Error) => (lost = error));
  connection.on('close', (error?: Error) => (lost ??= error ?? new Error('connection closed')));
  try {
    return await work(connection);
  } catch (error) {
    if (error instanceof DomainError) throw error;
    // A dropped socket or a broker shutting down (320) is an outage; any other connection error is a fault.
    const code = lost ? amqpCode(lost) : undefined;
    if (lost && (code === undefined || code === 320)) throw unavailable(`Lost the message broker connection: ${(lost as Error).message}`);
    throw lost ?? error;
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/** AMQP reply code of a channel error (404 NOT_FOUND, 406 PRECONDITION_FAILED, …), if it is one. */
export function amqpCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
}

/** The broker's own words from a channel error, e.g. `PRECONDITION_FAILED - inequivalent arg …`. */
export function brokerMessage(error: unknown): string {
  const message = (error as Error)?.message ?? String(error);
  return /with message "(.*)"/.exec(message)?.[1] ?? message;
}

/**
 * For operations the broker may refuse by closing the channel (a passive check of an absent
 * queue, a declaration with other arguments): the refusal closes only this channel.
 */
export async function onThrowawayChannel<T>(connection: amqp.ChannelModel, work: (channel: amqp.Channel) => Promise<T>): Promise<T> {
  const channel = await connection.createChannel();
  channel.on('error', () => undefined); // the rejection of the call carries the error
  try {
    return await work(channel);
  } finally {
    await channel.close().catch(() => undefined);
  }
}

/** Ready messages and consumers of a queue, or null when it does not exist. */
export async function inspectQueue(connection: amqp.ChannelModel, queue: string): Promise<{ messages: number; consumers: number } | null> {
  try {
    const ok = await onThrowawayChannel(connection, (channel) => channel.checkQueue(queue));
    return { messages: ok.messageCount, consumers: ok.consumerCount };
  } catch (error) {
    if (amqpCode(error) === 404) return null;
    throw error;
  }
}

/**
 * inspectQueue, looked at again after a moment when it shows consumers: a quorum queue (3.10)
 * counts every message just taken with basic.get as a consumer until its return is processed, so
 * a peek that has just ended looks like a consumer for a few hundred milliseconds.
 */
export async function settledQueueState(connection: amqp.ChannelModel, queue: string): Promise<{ messages: number; consumers: number } | null> {
  const state = await inspectQueue(connection, queue);
  if (!state?.consumers) return state;
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  return inspectQueue(connection, queue);
}

export async function exchangeExists(connection: amqp.ChannelModel, exchange: string): Promise<boolean> {
  try {
    await onThrowawayChannel(connection, (channel) => channel.checkExchange(exchange));
    return true;
  } catch (error) {
    if (amqpCode(error) === 404) return false;
    throw error;
  }
}

/**
 * Publishes one message at a time on a confirm channel and waits for its confirm. One at a time
 * because RabbitMQ sends a `basic.return` (mandatory, no queue took it) just before the confirm of
 * the same message: with nothing else in flight, a return belongs to the message being published.
 */
export class OneByOnePublisher {
  private returned = false;

  constructor(private readonly channel: amqp.ConfirmChannel) {
    channel.on('return', () => (this.returned = true));
  }

  /** Resolves 'returned' when no queue took the message; rejects on a nack or a missing confirm. */
  publish(exchange: string, routingKey: string, content: Buffer, options: amqp.Options.Publish): Promise<'confirmed' | 'returned'> {
    this.returned = false;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no confirm within ${CONFIRM_TIMEOUT_MS} ms`)), CONFIRM_TIMEOUT_MS);
      try {
        this.channel.publish(exchange, routingKey, content, { ...options, persistent: true, mandatory: true }, (error) => {
          clearTimeout(timer);
          if (error) return reject(new Error(`the broker refused the message: ${String(error)}`));
          resolve(this.returned ? 'returned' : 'confirmed');
        });
      } catch (error) {
        clearTimeout(timer);
        reject(error as Error);
      }
    });
  }
}
