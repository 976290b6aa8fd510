// Benchmark: the whole system on this machine (embedded default, separate processes, fresh data,
// free ports, rate limits out of the way), driven through the gateway. Prints the tables of each
// scenario and each process's resident memory before, during (sampled peak), right after and a
// while after it. Figures, not assertions: the tests check behaviour.
//   npm run bench [-- --scenario opportunities|customers|sales|reports|all] [--customers 100000] [--opportunities 100000] [--orders 1000000]
//                 [--duration 10] [--connections 20] [--rate-list 200] [--rate-create 100] [--idle-seconds 10]
//                 [--requests N] [--concurrency N] [--succeed 100] [--seed 1] [--keep-data] [--verbose]
// --duration / --connections / --rate-* shape the opportunities load table (autocannon, load.js);
// --requests / --concurrency override every scenario's per-request defaults (opportunities: 1000
// requests, 20 concurrent; customers, sales and reports: 200 per operation, one at a time). `all` runs
// every scenario but sales and reports (long, with data of their own: only by name).
const { mkdtempSync, rmSync } = require('node:fs');
const { cpus, tmpdir } = require('node:os');
const { join } = require('node:path');
const { startSystem, brokerReachable, SERVICES } = require('../system/launcher');
const { Api, MemorySampler, Tokens, deleteRunTopology, printMemory, printTable, residentMemory } = require('./harness');
const { printLoadTable } = require('./load');

const SCENARIOS = {
  opportunities: require('./scenarios/opportunities'),
  customers: require('./scenarios/customers'),
  sales: require('./scenarios/sales'),
  reports: require('./scenarios/reports'),
};

function parseArgs(argv) {
  const values = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--') continue;
    if (!flag.startsWith('--')) throw new Error(`unexpected argument ${flag}`);
    const name = flag.slice(2);
    if (name === 'keep-data' || name === 'verbose') values[name] = true;
    else values[name] = argv[++i];
  }
  const number = (name, fallback, min = 1) => {
    if (values[name] === undefined) return fallback;
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be an integer ≥ ${min}, not ${values[name]}`);
    return value;
  };
  const scenario = values.scenario ?? 'all';
  if (scenario !== 'all' && !SCENARIOS[scenario]) throw new Error(`--scenario must be ${Object.keys(SCENARIOS).join('|')}|all`);
  const known = ['scenario', 'customers', 'opportunities', 'orders', 'duration', 'connections', 'rate-list', 'rate-create', 'idle-seconds', 'requests', 'concurrency', 'succeed', 'seed', 'keep-data', 'verbose'];
  const unknown = Object.keys(values).filter((name) => !known.includes(name));
  if (unknown.length) throw new Error(`unknown option --${unknown[0]} (known: ${known.map((k) => `--${k}`).join(' ')})`);
  return {
    scenarios: scenario === 'all' ? Object.keys(SCENARIOS).filter((name) => !SCENARIOS[name].explicitOnly) : [scenario],
    customers: number('customers', 100_000),
    opportunities: number('opportunities', 100_000),
    orders: number('orders', 1_000_000),
    duration: number('duration', 10),
    connections: number('connections', 20),
    rateList: number('rate-list', 200),
    rateCreate: number('rate-create', 100),
    idleSeconds: number('idle-seconds', 10, 0),
    requests: number('requests', undefined),
    concurrency: number('concurrency', undefined),
    succeed: number('succeed', 100),
    seed: number('seed', 1),
    keepData: Boolean(values['keep-data']),
    verbose: Boolean(values.verbose),
  };
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const amqpUrl = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
  if (!(await brokerReachable(amqpUrl))) throw new Error(`RabbitMQ is not reachable at ${amqpUrl}`);
  const exchange = `crm.events.bench-${process.pid}`;
  // This run's own consumer queues: they are named after the service, and a shared `customer.events`
  // would hand this run's events to another system on the same broker (and theirs to us).
  const queuePrefix = `${exchange}.`;
  const dataDir = mkdtempSync(join(tmpdir(), 'crm-bench-'));
  const scenarios = options.scenarios.map((name) => SCENARIOS[name]);
  console.log(`CRM benchmark on ${cpus().length} cores, Node ${process.versions.node}, SQLite, local RabbitMQ, through the gateway; data in ${dataDir}`);

  let system;
  const extras = [];
  try {
    // Before any process starts: scenarios that need data in place (seeded databases).
    const prepared = new Map();
    const serviceEnvOf = {};
    for (const scenario of scenarios) {
      if (!scenario.prepare) continue;
      const state = await scenario.prepare({ dataDir, options });
      for (const [service, env] of Object.entries(state.serviceEnvOf ?? {})) serviceEnvOf[service] = { ...serviceEnvOf[service], ...env };
      prepared.set(scenario, state);
    }

    const migrateLines = [];
    const log = (name, line) => {
      if (name.endsWith('-migrate')) migrateLines.push(`${name}: ${line}`);
      if (options.verbose) process.stderr.write(`${name}: ${line}\n`);
    };
    const startedAt = performance.now();
    system = await startSystem({
      dataDir,
      amqpUrl,
      exchange,
      randomPorts: true,
      env: {
        LOG_LEVEL: 'warn',
        // The gateway's per-user rate limit out of the way: every request here is the same user's.
        RATE_LIMIT_MAX: '1000000000',
        RATE_LIMIT_WINDOW_SECONDS: '1',
        AMQP_QUEUE_PREFIX: queuePrefix,
        // A token lives an hour, so none expires during a long run (autocannon sends the same one).
        ACCESS_TOKEN_TTL_SECONDS: '3600',
      },
      serviceEnvOf,
      log,
    });
    // Processes a scenario runs beside the system (the minimal endpoint), started once it is up.
    for (const scenario of scenarios) {
      if (scenario.start) extras.push(...(await scenario.start({ system, log }, prepared.get(scenario))));
    }
    console.log(`system started in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
    for (const line of migrateLines) console.log(`  ${line}`);

    const tokens = new Tokens(system.urls.auth);
    const api = new Api(system.urls.api, tokens);
    // The load generator too: autocannon runs in this process.
    const processes = [...system.children, ...extras.map((extra) => extra.process), { label: 'bench (load generator)', pid: process.pid }];
    const sampler = new MemorySampler(processes);
    let before = residentMemory(processes);
    let beforeWhen = 'idle after start';
    for (const scenario of scenarios) {
      const context = {
        system,
        api,
        tokens,
        amqpUrl,
        exchange,
        dataDir,
        options,
        requests: options.requests ?? scenario.defaults.requests,
        concurrency: options.concurrency ?? scenario.defaults.concurrency,
        concurrencyGiven: options.concurrency !== undefined,
      };
      const started = performance.now();
      sampler.start();
      const result = await scenario.run(context, prepared.get(scenario));
      const peaks = sampler.stop();
      const after = residentMemory(processes);
      if (result.load) printLoadTable(result.load.title, result.load.rows, result.load.notes);
      printTable(result.title, result.rows, [...result.notes, `(${scenario.name}: ${((performance.now() - started) / 1000).toFixed(0)} s)`]);
      await new Promise((resolve) => setTimeout(resolve, options.idleSeconds * 1000));
      const idle = residentMemory(processes);
      printMemory(`${scenario.name}: resident memory per process (MiB; before = ${beforeWhen}; peak sampled every 250 ms)`, { before, peaks, after, idle, idleSeconds: options.idleSeconds });
      before = idle;
      beforeWhen = `after ${scenario.name} and its idle wait`;
    }
  } finally {
    for (const extra of extras) await extra.stop();
    await system?.stop();
    await deleteRunTopology({ amqpUrl, exchange, queuePrefix, services: SERVICES.map((s) => s.name) }).catch((error) => console.error(`broker clean-up: ${error.message}`));
    if (options.keepData) console.log(`data kept in ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
