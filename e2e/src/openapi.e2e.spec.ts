import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { testAmqpUrl, uniqueName } from '@crm/testing';
import { RunningSystem, startCrm } from './support/crm-system';

const run = promisify(execFile);
const REDOCLY = join(__dirname, '..', '..', 'node_modules', '.bin', 'redocly');

/**
 * The OpenAPI document the gateway serves (every service's merged) is one a client can be
 * generated from: `redocly lint` with its recommended rules finds no error. That every response
 * the e2e suites see is what it describes is checked by ApiClient on each call.
 */
describe('the served OpenAPI document', () => {
  let system: RunningSystem;

  beforeAll(async () => {
    system = await startCrm({ amqpUrl: testAmqpUrl(), exchange: uniqueName('crm.events.e2e-openapi') });
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
  });

  it('passes redocly lint with the recommended rules, and covers every service', async () => {
    const document = (await (await fetch(`${system.urls.gateway}/api/docs-json`)).json()) as { paths: Record<string, unknown> };
    const paths = Object.keys(document.paths);
    for (const prefix of ['/api/v1/opportunities', '/api/v1/customers', '/api/v1/dictionary', '/api/v1/users', '/health/ready']) {
      expect(paths.some((path) => path.startsWith(prefix))).toBe(true);
    }
    const file = join(mkdtempSync(join(tmpdir(), 'crm-openapi-')), 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    const result = await run(REDOCLY, ['lint', '--extends', 'recommended', '--format', 'json', file], { maxBuffer: 16 * 1024 * 1024 }).catch(
      (error: { stdout: string; code: number }) => ({ stdout: error.stdout, code: error.code }),
    );
    const report = JSON.parse(result.stdout) as { totals: { errors: number }; problems: { ruleId: string; severity: string; message: string }[] };
    const errors = report.problems.filter((problem) => problem.severity === 'error').map((problem) => `${problem.ruleId}: ${problem.message}`);
    expect(errors).toEqual([]);
    expect(report.totals.errors).toBe(0);
  });
});
