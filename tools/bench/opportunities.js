// Benchmark: the whole system on this machine (embedded default, separate processes), driven
// through the gateway. Prints latency percentiles and throughput for creating and listing
// opportunities, and how long a change takes to reach an external subscriber as an event.
//   npm run bench [-- --requests 2000 --concurrency 20]
// Figures, not assertions: the tests check behaviour, this measures it.
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const amqp = require('amqplib');
const { startSystem, brokerReachable } = require('../system/launcher');

const arg = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const REQUESTS = arg('requests', 1000);
const CONCURRENCY = arg('concurrency', 20);
const amqpUrl = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

function percentiles(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  return `p50 ${at(50).toFixed(1)} ms  p95 ${at(95).toFixed(1)} ms  p99 ${at(99).toFixed(1)} ms  max ${sorted.at(-1).toFixed(1)} ms`;
}

async function run(label, total, concurrency, request) {
  const latencies = [];
  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next++;
        const t0 = performance.now();
        const ok = await request();
        latencies.push(performance.now() - t0);
        if (!ok) failures++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  console.log(`${label.padEnd(28)} ${total} requests, ${concurrency} concurrent: ${(total / seconds).toFixed(0)} req/s  ${percentiles(latencies)}  failures ${failures}`);
}

async function main() {
  if (!(await brokerReachable(amqpUrl))) throw new Error(`RabbitMQ is not reachable at ${amqpUrl}`);
  const exchange = `crm.events.bench-${process.pid}`;
  const system = await startSystem({
    dataDir: mkdtempSync(join(tmpdir(), 'crm-bench-')),
    amqpUrl,
    exchange,
    randomPorts: true,
    env: { LOG_LEVEL: 'warn', RATE_LIMIT_BURST: '1000000', RATE_LIMIT_PER_SECOND: '1000000' },
  });
  const connection = await amqp.connect(amqpUrl);
  try {
    const channel = await connection.createChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true });
    await channel.bindQueue(queue, exchange, 'marketing.opportunity.created.v1');
    const requestedAt = new Map();
    const arrivedAt = new Map();
    await channel.consume(queue, (message) => {
      arrivedAt.set(JSON.parse(message.content.toString()).data.opportunityId, performance.now());
      channel.ack(message);
    });

    const grant = await fetch(`${system.urls.auth}/realms/crm/protocol/openid-connect/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'password', client_id: 'crm-cli', username: 'supervisor', password: 'supervisor' }),
    }).then((r) => r.json());
    const headers = { authorization: `Bearer ${grant.access_token}`, 'content-type': 'application/json' };
    const body = JSON.stringify({ customerName: 'Bench Co', successRate: 50, summary: 'bench', description: 'benchmark opportunity' });

    console.log(`CRM benchmark on ${require('node:os').cpus().length} cores, SQLite, local RabbitMQ, through the gateway`);
    await run('warm-up (create)', 100, 5, async () => (await fetch(`${system.urls.api}/opportunities`, { method: 'POST', headers, body })).ok);
    await run('POST /opportunities', REQUESTS, CONCURRENCY, async () => {
      const t0 = performance.now();
      const response = await fetch(`${system.urls.api}/opportunities`, { method: 'POST', headers, body });
      if (!response.ok) return false;
      requestedAt.set((await response.json()).id, t0);
      return true;
    });
    await run('GET /opportunities?pageSize=20', REQUESTS, CONCURRENCY, async () => {
      const response = await fetch(`${system.urls.api}/opportunities?summary=bench&pageSize=20`, { headers });
      await response.arrayBuffer();
      return response.ok;
    });
    const deadline = Date.now() + 30_000;
    const arrived = () => [...requestedAt.keys()].filter((id) => arrivedAt.has(id));
    while (arrived().length < requestedAt.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    // From sending the create request to the event reaching the subscriber.
    const eventLatency = arrived().map((id) => arrivedAt.get(id) - requestedAt.get(id));
    console.log(`${'request → event received'.padEnd(28)} ${eventLatency.length}/${requestedAt.size} received  ${percentiles(eventLatency)}`);
    await channel.deleteExchange(exchange).catch(() => undefined);
  } finally {
    await connection.close().catch(() => undefined);
    await system.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
