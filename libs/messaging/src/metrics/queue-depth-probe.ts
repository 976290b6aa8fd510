import * as amqp from 'amqplib';

const CONNECT_TIMEOUT_MS = 2_000;

function isNotFound(error: unknown): boolean {
  return (error as { code?: unknown }).code === 404;
}

/**
 * Reads queue depths with `queue.declare passive` on a connection of its own, opened at the first
 * scrape: the relay's and the consumer's channels must never be closed by a probe, and a passive
 * declare of a missing queue closes its channel (404).
 */
export class QueueDepthProbe {
  private connection: amqp.ChannelModel | null = null;
  private channel: Promise<amqp.Channel> | null = null;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly connectionName: string,
  ) {}

  /** Ready messages per queue; a queue that does not exist (yet) is left out. */
  async depths(queues: readonly string[]): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    for (const queue of queues) {
      const channel = await this.open();
      try {
        found.set(queue, (await channel.checkQueue(queue)).messageCount);
      } catch (error) {
        if (!isNotFound(error)) {
          this.drop();
          throw error;
        }
        this.channel = null; // closed by the broker; the next queue gets a new one
      }
    }
    return found;
  }

  async close(): Promise<void> {
    this.closed = true;
    const connection = this.connection;
    this.connection = null;
    this.channel = null;
    await connection?.close().catch(() => undefined);
  }

  private open(): Promise<amqp.Channel> {
    if (this.closed) return Promise.reject(new Error('queue depth probe is closed'));
    this.channel ??= this.createChannel().catch((error: unknown) => {
      this.drop();
      throw error;
    });
    return this.channel;
  }

  private async createChannel(): Promise<amqp.Channel> {
    if (!this.connection) {
      const connection = await amqp.connect(this.url, {
        timeout: CONNECT_TIMEOUT_MS,
        clientProperties: { connection_name: this.connectionName },
      });
      if (this.closed) {
        await connection.close().catch(() => undefined);
        throw new Error('queue depth probe is closed');
      }
      // 'close' follows every 'error'; without a listener an 'error' would crash the process.
      connection.on('error', () => undefined);
      connection.on('close', () => {
        if (this.connection !== connection) return;
        this.connection = null;
        this.channel = null;
      });
      this.connection = connection;
    }
    const channel = await this.connection.createChannel();
    channel.on('error', () => undefined); // a 404 is reported by the rejected checkQueue
    return channel;
  }

  private drop(): void {
    const connection = this.connection;
    this.connection = null;
    this.channel = null;
    void connection?.close().catch(() => undefined);
  }
}
