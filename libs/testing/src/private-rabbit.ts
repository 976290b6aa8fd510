import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A RabbitMQ node of the test's own, on other ports, for fault tests (stop and start the broker
 * under a running system). The shared broker on 5672 is never touched: CI runs against it.
 */
export class PrivateRabbit {
  private constructor(
    readonly nodeName: string,
    readonly port: number,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  get url(): string {
    return `amqp://guest:guest@127.0.0.1:${this.port}`;
  }

  static async start(port = 5699): Promise<PrivateRabbit> {
    const dir = mkdtempSync(join(tmpdir(), 'crm-rabbit-'));
    mkdirSync(join(dir, 'mnesia'));
    mkdirSync(join(dir, 'log'));
    // Its own config file: the machine's /etc/rabbitmq/rabbitmq.conf pins the listener to 5672.
    writeFileSync(join(dir, 'rabbitmq.conf'), `listeners.tcp.local = 127.0.0.1:${port}\nloopback_users = none\n`);
    // The Debian scripts drop to the rabbitmq user, which must own the node's folders.
    await run('chown', ['-R', 'rabbitmq:rabbitmq', dir]);
    const nodeName = `crmtest${port}@localhost`;
    const env = {
      ...process.env,
      RABBITMQ_NODENAME: nodeName,
      RABBITMQ_NODE_PORT: String(port),
      RABBITMQ_DIST_PORT: String(port + 20000),
      RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
      RABBITMQ_LOG_BASE: join(dir, 'log'),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'plugins'),
      RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
    };
    const rabbit = new PrivateRabbit(nodeName, port, env);
    await run('rabbitmq-server', ['-detached'], { env });
    await rabbit.awaitStartup();
    return rabbit;
  }

  /** Simulates an outage: the node stays up, the broker application stops (connections drop). */
  async stopApp(): Promise<void> {
    await run('rabbitmqctl', ['-n', this.nodeName, 'stop_app'], { env: this.env });
  }

  async startApp(): Promise<void> {
    await run('rabbitmqctl', ['-n', this.nodeName, 'start_app'], { env: this.env });
    await this.awaitStartup();
  }

  async stop(): Promise<void> {
    await run('rabbitmqctl', ['-n', this.nodeName, 'stop'], { env: this.env }).catch(() => undefined);
  }

  private async awaitStartup(): Promise<void> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await run('rabbitmqctl', ['-n', this.nodeName, 'await_startup', '--timeout', '5'], { env: this.env });
        return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`private RabbitMQ ${this.nodeName} did not start: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }
}

/** Whether this machine can run a private node (rabbitmq-server installed). */
export async function canRunPrivateRabbit(): Promise<boolean> {
  try {
    await run('which', ['rabbitmq-server']);
    return true;
  } catch {
    return false;
  }
}
