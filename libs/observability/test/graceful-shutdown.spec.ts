import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

type LogRecord = Record<string, unknown> & { msg: string };

/** Starts the fixture process and collects its JSON log lines. */
function startSignalApp(env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [path.join(__dirname, 'fixtures/run-ts.js'), path.join(__dirname, 'fixtures/signal-app.ts')], {
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const records: LogRecord[] = [];
  const nonJson: string[] = [];
  const waiters: { match: (r: LogRecord) => boolean; resolve: (r: LogRecord) => void }[] = [];
  readline.createInterface({ input: child.stdout! }).on('line', (line) => {
    let record: LogRecord;
    try {
      record = JSON.parse(line) as LogRecord;
    } catch {
      nonJson.push(line);
      return;
    }
    records.push(record);
    for (const waiter of [...waiters]) {
      if (waiter.match(record)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(record);
      }
    }
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const waitFor = (match: (r: LogRecord) => boolean, timeoutMs = 20_000) =>
    new Promise<LogRecord>((resolve, reject) => {
      const found = records.find(match);
      if (found) return resolve(found);
      const timer = setTimeout(() => reject(new Error(`no such log line; stderr: ${stderr}`)), timeoutMs);
      waiters.push({ match, resolve: (r) => (clearTimeout(timer), resolve(r)) });
    });
  return { child, records, nonJson, exited, waitFor };
}

describe('graceful shutdown on SIGTERM (app.enableShutdownHooks)', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  it('fails readiness first, runs the drainers in order while still serving, then exits', async () => {
    const app = startSignalApp();
    child = app.child;
    const { port } = (await app.waitFor((r) => r.msg === 'listening')) as LogRecord & { port: number };
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);

    app.child.kill('SIGTERM');
    await app.waitFor((r) => r.msg === 'drainer ran' && r.drainer === 'stop consuming');
    const duringDrain = await fetch(`${base}/health/ready`);
    expect(duringDrain.status).toBe(503);
    expect(await duringDrain.json()).toMatchObject({ status: 'shutting_down' });

    expect(await app.exited).toEqual({ code: null, signal: 'SIGTERM' });
    const order = app.records.filter((r) => r.msg === 'drainer ran' || r.msg === 'in-flight work finished').map((r) => r.drainer ?? r.msg);
    expect(order).toEqual(['stop consuming', 'in-flight work finished', 'finish in-flight', 'stop outbox relay']);
    expect(app.records.find((r) => r.drainer === 'stop consuming')!.readiness).toBe(503);
    expect(app.records.find((r) => r.msg === 'Drained; closing the application')).toMatchObject({ timedOut: false });
    expect(app.nonJson).toEqual([]);
  });

  it('stops waiting for drainers after SHUTDOWN_TIMEOUT_MS and still exits', async () => {
    const app = startSignalApp({ SHUTDOWN_TIMEOUT_MS: '300', FIRST_DRAINER_MS: '60000' });
    child = app.child;
    await app.waitFor((r) => r.msg === 'listening');
    const started = Date.now();
    app.child.kill('SIGTERM');
    expect(await app.exited).toEqual({ code: null, signal: 'SIGTERM' });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(app.records.find((r) => r.msg === 'Drained; closing the application')).toMatchObject({
      timedOut: true,
      abandoned: ['stop consuming', 'finish in-flight', 'stop outbox relay'],
    });
  });
});
