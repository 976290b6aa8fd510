import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { testAmqpUrl, uniqueName } from '@crm/testing';
import { ApiClient, RunningSystem, startCrm } from './support/crm-system';

const run = promisify(execFile);

/**
 * A rolling update as Kubernetes does it, with processes: two marketing replicas on one
 * PostgreSQL schema behind the gateway, restarted one after the other (SIGTERM, drain, start)
 * while clients keep creating and listing opportunities. Not one request may fail.
 */
describe('a rolling restart of a service under load', () => {
  jest.setTimeout(180_000);
  const schema = uniqueName('marketing_roll').replace(/[^a-z0-9]/g, '_');
  const pgUrl = process.env.CRM_TEST_PG_URL!;
  let system: RunningSystem;
  let api: ApiClient;

  beforeAll(async () => {
    system = await startCrm({
      amqpUrl: testAmqpUrl(),
      exchange: uniqueName('crm.events.roll'),
      env: { RATE_LIMIT_MAX: '100000' },
      serviceEnv: { SHUTDOWN_DRAIN_DELAY_MS: '3000', SHUTDOWN_TIMEOUT_MS: '10000' },
      serviceEnvOf: { marketing: { DB_DRIVER: 'postgresql', DB_URL: pgUrl, DB_SCHEMA: schema } },
      replicas: { marketing: 2 },
    });
    api = new ApiClient(system);
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
    await run('psql', [pgUrl, '-q', '-c', `drop schema if exists "${schema}" cascade`]).catch(() => undefined);
  });

  it('answers every request while each replica is restarted in turn', async () => {
    await api.token('supervisor');
    const failures: string[] = [];
    const counts = { post: 0, get: 0 };
    let running = true;
    const worker = async (n: number) => {
      for (let i = 0; running; i++) {
        const write = i % 2 === 0;
        try {
          const response = write
            ? await api.call('supervisor', 'POST', '/opportunities', { customerName: `Roll ${n}-${i}`, successRate: 50, summary: 'rolling', description: 'restart under load' })
            : await api.call('supervisor', 'GET', '/opportunities?pageSize=5');
          if (response.status !== (write ? 201 : 200)) failures.push(`${write ? 'POST' : 'GET'} → ${response.status} ${JSON.stringify(response.body)}`);
          counts[write ? 'post' : 'get']++;
        } catch (error) {
          failures.push(`${write ? 'POST' : 'GET'} threw ${(error as Error).message}`);
        }
      }
    };
    const load = [1, 2, 3, 4].map(worker);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await system.restartReplica('marketing', 0);
    await system.restartReplica('marketing', 1);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    running = false;
    await Promise.all(load);
    console.log(`rolling restart: ${counts.post} creates and ${counts.get} lists during two restarts, ${failures.length} failed: ${failures.join('; ')}`);
    expect(failures).toEqual([]);
    expect(counts.post).toBeGreaterThan(20);
  });
});
