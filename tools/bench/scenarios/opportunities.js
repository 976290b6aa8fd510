// Opportunities through the gateway, in two tables.
// - Load (autocannon, load.js): a supervisor's first page at saturation through the gateway, straight
//   to marketing and from the minimal endpoint (minimal/server.js) on the same SQLite file, then the
//   same list and creates at fixed rates through the gateway — the bars of issue 7.
// - Per request (the harness's loop): each list filter one request at a time, creates at
//   --concurrency, and how long a change takes to reach an external subscriber as an event (from
//   sending the create request to the event arriving).
const { cpus } = require('node:os');
const path = require('node:path');
const amqp = require('amqplib');
const { measure, sampleRow } = require('../harness');
const { saturate, fixedRate, failed, missedRate } = require('../load');
const { startMinimal } = require('../minimal');
const { seedOpportunities } = require('../seed/opportunities');

const LIST_REQUESTS = 200;

const EVENT_WAIT_MS = 30_000;

const LIST_QUERY = '?pageSize=20';
const WARM_UP_SECONDS = 2;
const WARM_UP_CREATES = 200;
const WARM_UP_CREATE_CONNECTIONS = 5;
// Between runs: the previous run's tail (its garbage, the relay publishing its creates) settles.
const PAUSE_MS = 1000;
const BAR_GATEWAY_SHARE = 0.12;
const BAR_P99_MS = 20;
// Its own summary, so the per-request table's `?summary=bench` still matches only that table's creates.
const RATE_BODY = JSON.stringify({ customerName: '定速客户', successRate: 50, summary: 'fixed-rate', description: 'fixed-rate benchmark opportunity' });

const pause = () => new Promise((resolve) => setTimeout(resolve, PAUSE_MS));

/** One GET with the run's headers: a target that does not answer 2xx is reported as skipped, not loaded. */
async function probe(url, headers) {
  try {
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
    if (response.ok) return undefined;
    return `a probe request answered ${response.status} ${(await response.text()).slice(0, 300)}`;
  } catch (error) {
    return `a probe request failed: ${error.message}`;
  }
}

const check = (ok) => (ok ? '✓' : '✗');

/**
 * The load table. Saturation: --connections clients for --duration s each through the gateway,
 * straight to marketing (services check the bearer token themselves, so the same one works) and
 * at the minimal endpoint, with and without indexes; then the list at --rate-list and creates at
 * --rate-create through the gateway.
 */
async function loadTable({ system, tokens, options }, { seed, minimal }) {
  const seconds = options.duration;
  const connections = options.connections;
  // Fetched before each run: a run never starts with a token about to expire (the bench also
  // raises the identity provider's token lifetime, so none expires during one).
  const headers = async () => ({ authorization: `Bearer ${await tokens.token('supervisor')}` });
  const lists = [
    ['GET list, saturation, through the gateway', `${system.urls.api}/opportunities${LIST_QUERY}`],
    ['GET list, saturation, marketing directly', `${system.services.marketing.url}/api/v1/opportunities${LIST_QUERY}`],
    ['GET list, saturation, minimal endpoint', `${minimal.url}/opportunities${LIST_QUERY}`],
    ['GET list, saturation, minimal NOT INDEXED', `${minimal.url}/opportunities-not-indexed${LIST_QUERY}`],
  ];

  const skipped = new Map();
  for (const [label, url] of lists) {
    const problem = await probe(url, await headers());
    if (problem) skipped.set(label, problem);
  }
  // JIT, connection pools and the file's pages in the OS cache, for every path measured below.
  for (const [label, url] of lists.slice(0, 3)) {
    if (!skipped.has(label)) await saturate('warm-up', { url, headers: await headers(), connections, seconds: WARM_UP_SECONDS });
  }
  const createTarget = { url: `${system.urls.api}/opportunities`, method: 'POST', body: RATE_BODY };
  const createHeaders = async () => ({ ...(await headers()), 'content-type': 'application/json' });
  // A few creates at a time: a saturated warm-up would leave the outbox relay a backlog to publish
  // during the list runs.
  await saturate('warm-up', { ...createTarget, headers: await createHeaders(), connections: WARM_UP_CREATE_CONNECTIONS, amount: WARM_UP_CREATES });

  const rows = [];
  for (const [label, url] of lists) {
    if (skipped.has(label)) {
      rows.push({ label, skipped: skipped.get(label) });
      continue;
    }
    await pause();
    rows.push(await saturate(label, { url, headers: await headers(), connections, seconds }));
  }
  await pause();
  const fixedList = await fixedRate(`GET list at ${options.rateList} req/s, through the gateway`, { url: lists[0][1], headers: await headers(), rate: options.rateList, seconds });
  await pause();
  const fixedCreate = await fixedRate(`POST /opportunities at ${options.rateCreate} req/s, through the gateway`, { ...createTarget, headers: await createHeaders(), rate: options.rateCreate, seconds });
  // Controls: the same rate on marketing directly and on the minimal endpoint, to tell the
  // gateway's and the service's share of the tail from the load generator's and the machine's.
  const controls = [];
  for (const [label, url] of lists.slice(1, 3)) {
    if (skipped.has(label)) continue;
    await pause();
    controls.push(await fixedRate(`GET list at ${options.rateList} req/s, ${label.replace('GET list, saturation, ', '')} (control)`, { url, headers: await headers(), rate: options.rateList, seconds }));
  }
  rows.push(fixedList, fixedCreate, ...controls);

  const reference = rows.find((row) => row.label === lists[2][0]);
  const usable = (row) => row && !row.skipped && !failed(row);
  if (usable(reference)) {
    for (const row of rows.slice(0, lists.length)) if (usable(row)) row.ratio = row.rps / reference.rps;
  }
  const gateway = rows[0];
  if (usable(gateway) && gateway.ratio !== undefined) gateway.bar = `≥ ${BAR_GATEWAY_SHARE * 100} % ${check(gateway.ratio >= BAR_GATEWAY_SHARE)}`;
  // A rate not reached cannot meet a latency bar at that rate, whatever its p99 says.
  for (const row of [fixedList, fixedCreate]) {
    const verdict = !usable(row) ? '✗ (errors)' : missedRate(row) ? '✗ (rate not reached)' : check(row.p99 <= BAR_P99_MS);
    row.bar = `p99 ≤ ${BAR_P99_MS} ms ${verdict}`;
  }

  return {
    title: `opportunities at ${seed.count.toLocaleString('en')}: load (autocannon; ${seconds} s per run; supervisor; GET /api/v1/opportunities${LIST_QUERY}, newest first)`,
    rows,
    notes: [
      `saturation: ${connections} connections, each sending its next request when the last is answered; fixed rates: one request per connection per second, ` +
        "started evenly over each second; each connection's first response (TCP connect, load generator starting up) is checked but not measured (load.js)",
      `req/s counts 2xx responses; p50–max are of 2xx responses, from writing the request to its last byte; "vs minimal" = req/s ÷ the minimal endpoint's req/s in this run`,
      "marketing directly: its own port, the same bearer token (services verify tokens themselves); minimal: plain Fastify + better-sqlite3 on marketing's file, " +
        'the two statements of its list (page + count), the same JSON, no token check; NOT INDEXED: those statements with SQLite told to use no index',
      `before the runs: ${WARM_UP_SECONDS} s of the same load on the gateway, marketing and the minimal endpoint, and ${WARM_UP_CREATES} creates, ${WARM_UP_CREATE_CONNECTIONS} at a time; ` +
        `the load generator (autocannon) runs in the bench process on the same ${cpus().length} cores`,
    ],
  };
}

/** The per-request table: lists one at a time, creates at --concurrency, create → event latency. */
async function perRequestTable({ api, amqpUrl, exchange, requests, concurrency }, { seed }) {

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

    // The list at volume, one request at a time (the query's own cost, not queueing).
    const lists = [
      ['GET /opportunities (supervisor, default page)', 'supervisor', ''],
      ['GET /opportunities?page=50 (supervisor)', 'supervisor', '?page=50'],
      ['GET /opportunities (manager: pool ∪ created ∪ assigned)', 'manager1', ''],
      ['GET /opportunities?page=20 (manager)', 'manager1', '?page=20'],
      ['  ?customerName= contains (one match)', 'supervisor', `?customerName=${encodeURIComponent(`客户 ${Math.floor(seed.count / 3)}`)}`],
      ['  ?customerName= contains (a city, ~10 %)', 'supervisor', `?customerName=${encodeURIComponent('杭州')}`],
      ['  ?status=assigned', 'supervisor', '?status=assigned'],
      ['  ?status=unassigned (manager)', 'manager1', '?status=unassigned'],
    ];
    const listRows = [];
    for (const [label, login, query] of lists) {
      listRows.push(await measure(label, { total: LIST_REQUESTS, concurrency: 1, request: () => api.expect(200, login, 'GET', `/opportunities${query}`) }));
    }

    const body = { customerName: 'Bench Co', successRate: 50, summary: 'bench', description: 'benchmark opportunity' };
    const create = () => api.expect(201, 'supervisor', 'POST', '/opportunities', body);
    const rows = [];
    rows.push(await measure('warm-up (POST /opportunities)', { total: 100, concurrency: 5, request: create }));
    rows.push(
      await measure('POST /opportunities', {
        total: requests,
        concurrency,
        request: async () => {
          const t0 = performance.now();
          requestedAt.set((await create()).body.id, t0);
        },
      }),
    );
    rows.push(
      await measure('GET /opportunities?summary=bench&pageSize=20', {
        total: requests,
        concurrency,
        request: () => api.expect(200, 'supervisor', 'GET', '/opportunities?summary=bench&pageSize=20'),
      }),
    );

    const deadline = Date.now() + EVENT_WAIT_MS;
    const arrived = () => [...requestedAt.keys()].filter((id) => arrivedAt.has(id));
    while (arrived().length < requestedAt.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const eventLatency = arrived().map((id) => arrivedAt.get(id) - requestedAt.get(id));
    const missing = requestedAt.size - eventLatency.length;
    rows.push(sampleRow('create request → event received', eventLatency, missing, missing ? `${missing} events not received within ${EVENT_WAIT_MS / 1000} s` : undefined));
    return {
      title: `opportunities at ${seed.count.toLocaleString('en')}: per request (lists: ${LIST_REQUESTS} requests one at a time; writes: ${requests} requests, ${concurrency} concurrent; supervisor)`,
      rows: [...listRows, ...rows],
      notes: [`events: ${eventLatency.length}/${requestedAt.size} received by a subscriber of marketing.opportunity.created.v1`],
    };
  } finally {
    await connection.close().catch(() => undefined);
  }
}

module.exports = {
  name: 'opportunities',
  defaults: { requests: 1000, concurrency: 20 },

  /** Before the system starts: `--opportunities N` seeded into the marketing database. */
  async prepare({ dataDir, options }) {
    const file = path.join(dataDir, 'marketing.sqlite');
    const seed = await seedOpportunities({ file, count: options.opportunities, seed: options.seed, log: (line) => console.log(line) });
    return { seed, file, serviceEnvOf: { marketing: { DB_NAME: file } } };
  },

  /** After the system started (marketing has migrated its file): the minimal endpoint on that file. */
  async start({ log }, state) {
    state.minimal = await startMinimal({ file: state.file, log });
    return [state.minimal];
  },

  async run(context, state) {
    const load = await loadTable(context, state);
    return { load, ...(await perRequestTable(context, state)) };
  },
};
