import { Logger } from '@nestjs/common';
import * as amqp from 'amqplib';
import type { CloudEvent } from '@crm/contracts';
import { MessagingOptions } from '../messaging.options';
import { assertTopology } from './topology';

const CONFIRM_TIMEOUT_MS = 10_000;

/** Thrown when the broker did not take a message: nack, return (unroutable), timeout or no connection. */
export class PublishError extends Error {}

/**
 * Publishes CloudEvents on a confirm channel: persistent, `mandatory`, and resolved only when the
 * broker confirmed it. One connection per process; it is dropped on any error and re-opened by the
 * next publish, so an outage surfaces as a failed publish that the relay retries.
 */
export class ConfirmPublisher {
  private readonly logger = new Logger(ConfirmPublisher.name);
  private connection: amqp.ChannelModel | null = null;
  private channel: amqp.ConfirmChannel | null = null;
  private connecting: Promise<amqp.ConfirmChannel> | null = null;
  private readonly returned = new Set<string>();
  private closed = false;

  constructor(
    private readonly options: MessagingOptions,
    private readonly connectionName = `${options.service}-outbox-relay`,
  ) {}

  get connected(): boolean {
    return this.channel !== null;
  }

  async publish(event: CloudEvent, headers: Record<string, string>): Promise<void> {
    await this.publishTo(this.options.exchange, event.type, Buffer.from(JSON.stringify(event)), {
      messageId: event.id,
      type: event.type,
      appId: event.source,
      timestamp: Math.floor(Date.parse(event.time) / 1000),
      contentType: 'application/cloudevents+json',
      contentEncoding: 'utf-8',
      headers,
    });
  }

  /**
   * Publishes raw content (persistent, mandatory) and resolves once the broker confirmed it. Used
   * by consumers to park a message in a retry queue or a dead-letter queue (default exchange,
   * routing key = queue name) before acknowledging the original.
   */
  async publishTo(exchange: string, routingKey: string, content: Buffer, properties: amqp.Options.Publish): Promise<void> {
    const channel = await this.open();
    const messageId = String(properties.messageId ?? '');
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new PublishError(`no confirm for ${messageId} within ${CONFIRM_TIMEOUT_MS} ms`));
        this.drop();
      }, CONFIRM_TIMEOUT_MS);
      try {
        channel.publish(exchange, routingKey, content, { ...properties, persistent: true, mandatory: true }, (error) => {
          clearTimeout(timer);
          // RabbitMQ sends basic.return before the confirm of the same message.
          if (messageId && this.returned.delete(messageId)) return reject(new PublishError(`${routingKey} ${messageId} was unroutable`));
          if (error) return reject(new PublishError(`broker nacked ${messageId}: ${String(error)}`));
          resolve();
        });
      } catch (error) {
        clearTimeout(timer);
        this.drop();
        reject(new PublishError(`publish failed: ${(error as Error).message}`));
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const connection = this.connection;
    this.connection = null;
    this.channel = null;
    await connection?.close().catch(() => undefined);
  }

  /** Opens the connection now (the relay does this at start so readiness reflects the broker). */
  async ensureOpen(): Promise<void> {
    await this.open();
  }

  private open(): Promise<amqp.ConfirmChannel> {
    if (this.closed) return Promise.reject(new PublishError('publisher closed'));
    if (this.channel) return Promise.resolve(this.channel);
    this.connecting ??= this.connect().finally(() => (this.connecting = null));
    return this.connecting;
  }

  private async connect(): Promise<amqp.ConfirmChannel> {
    let connection: amqp.ChannelModel | undefined;
    try {
      connection = await amqp.connect(this.options.amqpUrl, {
        clientProperties: { connection_name: this.connectionName },
        timeout: 5000,
      });
      connection.on('error', (error) => this.logger.warn(`connection error: ${error.message}`));
      connection.on('close', () => this.drop());
      const channel = await connection.createConfirmChannel();
      channel.on('error', (error) => this.logger.warn(`channel error: ${error.message}`));
      channel.on('close', () => this.drop());
      channel.on('return', (message: amqp.ConsumeMessage) => {
        if (message.properties.messageId) this.returned.add(message.properties.messageId);
      });
      await assertTopology(channel, this.options);
      this.connection = connection;
      this.channel = channel;
      this.logger.log(`${this.connectionName}: connected to the broker`);
      return channel;
    } catch (error) {
      await connection?.close().catch(() => undefined);
      throw new PublishError(`cannot reach the broker: ${(error as Error).message}`);
    }
  }

  private drop(): void {
    if (!this.channel && !this.connection) return;
    const connection = this.connection;
    this.channel = null;
    this.connection = null;
    connection?.close().catch(() => undefined);
  }
}
