import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The newest PostgreSQL server binaries of this machine (Debian keeps them per major version). */
function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const majors = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  if (majors.length === 0) throw new Error(`no PostgreSQL server under ${root}`);
  return join(root, majors[0], 'bin');
}

/**
 * A PostgreSQL server of the test's own (its own data folder and port), for database-outage
 * tests: stopped and started under a running service. The shared server on 5432 is never touched.
 */
export class PrivatePostgres {
  private constructor(
    private readonly dir: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  static async start(port = 5499): Promise<PrivatePostgres> {
    const dir = mkdtempSync(join(tmpdir(), 'crm-pg-'));
    chmodSync(dir, 0o777);
    await run('chown', ['postgres:postgres', dir]);
    await asPostgres(`${postgresBin()}/initdb -D ${dir}/data -A trust -U postgres`);
    const pg = new PrivatePostgres(dir, port);
    await pg.resume();
    return pg;
  }

  /** An outage: the server shuts down at once, dropping every connection. */
  async pause(): Promise<void> {
    await asPostgres(`${postgresBin()}/pg_ctl -D ${this.dir}/data -m immediate -w stop`);
  }

  async resume(): Promise<void> {
    await asPostgres(
      `${postgresBin()}/pg_ctl -D ${this.dir}/data -o "-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1" -l ${this.dir}/log -w start`,
    );
  }

  async stop(): Promise<void> {
    await this.pause().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function asPostgres(command: string) {
  return run('su', ['postgres', '-c', command]);
}
