import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchPasswordGrantToken } from '@crm/identity/dev-provider';
import { topologyNames } from '@crm/messaging';
import { deleteTopology } from '@crm/testing';
import { OpenApiContractValidator } from './openapi-validator';

/** Services that consume events, so declare queues of their own. */
const CONSUMING_SERVICES = ['customer', 'sales-bridge', 'service-desk', 'reporting'];

// The launcher is plain JavaScript shared with `npm start`, outside any Nx project.
// eslint-disable-next-line @typescript-eslint/no-require-imports, @nx/enforce-module-boundaries
const { startSystem } = require('../../../tools/system/launcher.js') as {
  startSystem(options: Record<string, unknown>): Promise<RunningSystem>;
};

export interface RunningSystem {
  urls: { gateway: string; api: string; auth: string };
  dataDir: string;
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
  /** One service's own env, e.g. its PostgreSQL schema (each service owns its schema). */
  serviceEnvOf?: Record<string, Record<string, string>>;
  replicas?: Record<string, number>;
}): Promise<RunningSystem> {
  const dataDir = mkdtempSync(join(tmpdir(), 'crm-e2e-'));
  const verbose = process.env.CRM_E2E_LOGS === '1';
  const system = await startSystem({
    dataDir,
    amqpUrl: options.amqpUrl,
    exchange: options.exchange,
    randomPorts: true,
    // Queues of this run only: consumer queues are named after the service, not the exchange.
    env: { LOG_LEVEL: 'warn', OUTBOX_POLL_MS: '200', AMQP_QUEUE_PREFIX: `${options.exchange}.`, ...options.env },
    serviceEnv: options.serviceEnv,
    serviceEnvOf: options.serviceEnvOf,
    replicas: options.replicas,
    log: verbose ? (name: string, line: string) => process.stdout.write(`${name}: ${line}\n`) : undefined,
  });
  const stop = system.stop.bind(system);
  system.stop = async () => {
    await stop();
    const names = topologyNames({ service: '-', exchange: options.exchange });
    await deleteTopology({
      queues: [...runQueues(options.exchange), names.unroutedQueue],
      exchanges: [options.exchange, names.unroutedExchange, names.deadLetterExchange],
    });
  };
  return system;
}

/** The queues this run's consuming services declared (prefixed with the run's exchange); with the run's exchanges, removed when it stops. */
function runQueues(exchange: string): string[] {
  return CONSUMING_SERVICES.flatMap((service) => {
    const names = topologyNames({ service, exchange, queuePrefix: `${exchange}.` });
    return [names.consumerQueue, names.deadLetterQueue, ...names.retryQueues.map((retry) => retry.queue)];
  });
}

export type Login = 'admin' | 'supervisor' | 'manager1' | 'manager2' | 'executive';

export class ApiClient {
  private readonly tokens = new Map<Login, string>();
  private contract?: Promise<OpenApiContractValidator>;

  constructor(private readonly system: RunningSystem) {}

  /**
   * Every response must be one the served OpenAPI document describes (status, content type, body
   * schema), and every JSON request a service accepted one it allows: drift between the code and
   * the document fails the test that saw it. Set
   * CRM_OPENAPI_REPORT=<file> to list the problems there instead of failing.
   */
  private async checkContract(method: string, path: string, sent: unknown, status: number, contentType: string | null, body: unknown): Promise<void> {
    this.contract ??= OpenApiContractValidator.load(this.system.urls.gateway);
    const contract = await this.contract;
    const problems = contract.check(method, `/api/v1${path}`, status, contentType, body);
    if (status >= 200 && status < 300 && sent !== null && typeof sent === 'object') problems.push(...contract.checkAcceptedRequest(method, `/api/v1${path}`, sent));
    if (problems.length === 0) return;
    if (process.env.CRM_OPENAPI_REPORT) {
      appendFileSync(process.env.CRM_OPENAPI_REPORT, problems.map((p) => `${p}\n`).join(''));
      return;
    }
    throw new Error(`the response is not what the OpenAPI document describes:\n  ${problems.join('\n  ')}`);
  }

  async token(login: Login): Promise<string> {
    if (!this.tokens.has(login)) {
      const grant = await fetchPasswordGrantToken({ authUrl: this.system.urls.auth, username: login, password: login });
      this.tokens.set(login, grant.access_token);
    }
    return this.tokens.get(login)!;
  }

  /**
   * A call whose request or answer is a file (an upload, an export, a template): the body is sent
   * as given with its content type, the answer kept as bytes (and parsed when it is JSON), and the
   * answer checked against the document like any other.
   */
  async file(
    login: Login,
    method: string,
    path: string,
    upload?: { body: Buffer | string; contentType: string },
  ): Promise<{ status: number; body: Buffer; json: any; headers: Headers }> {
    const response = await fetch(`${this.system.urls.api}${path}`, {
      method,
      headers: { authorization: `Bearer ${await this.token(login)}`, ...(upload ? { 'content-type': upload.contentType } : {}) },
      body: upload?.body,
    });
    const body = Buffer.from(await response.arrayBuffer());
    const contentType = response.headers.get('content-type');
    const json = /json/.test(contentType ?? '') && body.length > 0 ? JSON.parse(body.toString('utf8')) : undefined;
    await this.checkContract(method, path, undefined, response.status, contentType, json ?? (body.length > 0 ? body : undefined));
    return { status: response.status, body, json, headers: response.headers };
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
    await this.checkContract(method, path, body, response.status, response.headers.get('content-type'), parsed);
    return { status: response.status, body: parsed, headers: response.headers };
  }
}
