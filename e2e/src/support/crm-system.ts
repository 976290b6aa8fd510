import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchPasswordGrantToken } from '@crm/identity';

// The launcher is plain JavaScript shared with `npm start`, outside any Nx project.
// eslint-disable-next-line @typescript-eslint/no-require-imports, @nx/enforce-module-boundaries
const { startSystem } = require('../../../tools/system/launcher.js') as {
  startSystem(options: Record<string, unknown>): Promise<RunningSystem>;
};

export interface RunningSystem {
  urls: { gateway: string; api: string; auth: string };
  services: Record<string, { url: string; process: { pid: number; tail: string[] } }>;
  replicas: Record<string, { name: string; url: string; process: { pid: number; tail: string[] } }[]>;
  restartReplica(service: string, index: number): Promise<void>;
  stop(): Promise<void>;
}

/** Starts identity provider, services and gateway from dist/ as separate processes, on free ports. */
export async function startCrm(options: {
  amqpUrl: string;
  exchange: string;
  env?: Record<string, string>;
  /** For the domain services only, e.g. a shared PostgreSQL schema for several replicas. */
  serviceEnv?: Record<string, string>;
  replicas?: Record<string, number>;
}): Promise<RunningSystem> {
  const dataDir = mkdtempSync(join(tmpdir(), 'crm-e2e-'));
  const verbose = process.env.CRM_E2E_LOGS === '1';
  return startSystem({
    dataDir,
    amqpUrl: options.amqpUrl,
    exchange: options.exchange,
    randomPorts: true,
    env: { LOG_LEVEL: 'warn', OUTBOX_POLL_MS: '200', ...options.env },
    serviceEnv: options.serviceEnv,
    replicas: options.replicas,
    log: verbose ? (name: string, line: string) => process.stdout.write(`${name}: ${line}\n`) : undefined,
  });
}

export type Login = 'admin' | 'supervisor' | 'manager1' | 'manager2' | 'executive';

export class ApiClient {
  private readonly tokens = new Map<Login, string>();

  constructor(private readonly system: RunningSystem) {}

  async token(login: Login): Promise<string> {
    if (!this.tokens.has(login)) {
      const grant = await fetchPasswordGrantToken({ authUrl: this.system.urls.auth, username: login, password: login });
      this.tokens.set(login, grant.access_token);
    }
    return this.tokens.get(login)!;
  }

  async call(
    login: Login | null,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: any; headers: Headers }> {
    const response = await fetch(`${this.system.urls.api}${path}`, {
      method,
      headers: {
        ...(login ? { authorization: `Bearer ${await this.token(login)}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (e.g. the docs page)
    }
    return { status: response.status, body: parsed, headers: response.headers };
  }
}
