// The sales bridge at volume (the issue's bars "at 100,000 customers and 1,000,000 orders"), in
// the order a first installation lives it, each step printed with its figures:
//  1. seeding: --customers through the customer service's import, their numbers read back, and
//     the generator writing the sales system's SQLite file (--orders) for exactly those customers;
//  2. the bridge's first full sync: from the moment the sales file exists until every order has a
//     snapshot in the bridge's database and every sales.order.recorded.v1 has left its outbox (counted
//     on a queue of this run's own), and how far the customer service gets consuming them;
//  3. the bridge's steady-state poll cost afterwards (CPU time per poll, resident memory);
//  4. order history, products and inventory through the gateway, for customers with few orders and
//     with the most (flat as orders grow?);
//  5. the churn warning scan over every customer.
// The system starts empty: the data arrive through its own API, as with `npm start`'s demo seed.
// The bridge's, the customer service's and the sales system's SQLite files are only ever read
// here, read-only (node:sqlite), to count.
const { execFileSync } = require('node:child_process');
const { readFileSync, statSync } = require('node:fs');
const path = require('node:path');
const { DatabaseSync } = require('node:sqlite');
const amqp = require('amqplib');
const { Api, MemorySampler, measure, percentiles, printTable, residentMemory } = require('../harness');
const { prng } = require('../seed/customers');
const { seedSales } = require('../seed/sales');

const EVENT = 'sales.order.recorded.v1';
const SAMPLE_MS = 500;
const COUNT_EVERY_MS = 5000;
const PROGRESS_MS = 30_000;
/**
 * Step 2 stops waiting for the bridge's sync after this long (from the sales file): at 1,000,000
 * orders every snapshot is there after ~11 min, but the events leave its outbox at ~150/s, which
 * would take ~2 h (the rate and what is left are printed).
 */
const SYNC_BOUND_MS = 30 * 60_000;
/** …and on the customer service's consuming after this long (from the sales file), once the sync is done. */
const CONSUME_BOUND_MS = 10 * 60_000;
/** Steps 4 and 5 wait this long at most for the bridge's copy of the customers to be complete. */
const COPY_WAIT_MS = 5 * 60_000;
const STEADY_SECONDS = 30;
const PROBE_SECONDS = 10;
/** The order sync's defaults (apps/sales-bridge/src/config/sales-bridge.config.ts); the bench sets neither. */
const ORDER_SYNC_POLL_MS = 2000;
const ORDER_SYNC_BATCH = 2000;
const HISTORY_BAR_MS = 50;
const SCAN_BAR_MS = 10_000;
const FEW_SHARE = 0.25;
const MOST_COUNT = 100;
const PAGE_SIZE = 20;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms) => (ms / 1000).toFixed(1);
const int = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en') : '–');
const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
const check = (ok) => (ok ? '✓' : '✗');

/** A markdown table with its own columns (first left-aligned, the rest right), then notes. */
function printFigures(title, header, rows, notes = []) {
  const cells = rows.map((row) => row.map((cell) => String(cell ?? '')));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (values) => `| ${values.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join(' | ')} |`;
  console.log(`\n### ${title}\n`);
  console.log(line(header));
  console.log(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const row of cells) console.log(line(row));
  if (notes.length) console.log('');
  for (const note of notes) console.log(note);
}

let clockTicks;
/** utime + stime of a process in seconds (/proc/<pid>/stat fields 14 and 15). */
function cpuSeconds(pid) {
  clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

const rssOf = (pid) => residentMemory([{ label: '', pid }])[0].rss;

/** A SQLite file of a running service, read-only; `count(sql)` answers a `select count(*)`. */
function readOnly(file) {
  const db = new DatabaseSync(file, { readOnly: true });
  db.exec('pragma busy_timeout = 5000');
  const statements = new Map();
  const prepared = (sql) => {
    if (!statements.has(sql)) statements.set(sql, db.prepare(sql));
    return statements.get(sql);
  };
  return {
    count: (sql, ...params) => Number(Object.values(prepared(sql).get(...params))[0]),
    get: (sql, ...params) => prepared(sql).get(...params),
    all: (sql, ...params) => prepared(sql).all(...params),
    close: () => db.close(),
  };
}

/** This run's own queue on the run's exchange, counting sales.order.recorded.v1 as it arrives. */
async function countEvents(amqpUrl, exchange, orders) {
  const connection = await amqp.connect(amqpUrl);
  const channel = await connection.createChannel();
  // Server-named and exclusive: the broker deletes it when this connection closes.
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
  await channel.bindQueue(queue, exchange, EVENT);
  const counter = { received: 0, firstAt: undefined, allAt: undefined };
  await channel.consume(
    queue,
    () => {
      counter.received++;
      counter.firstAt ??= performance.now();
      if (counter.received === orders) counter.allAt = performance.now();
    },
    { noAck: true },
  );
  // Another channel for queue checks: a failed check closes its channel.
  const checks = await connection.createChannel();
  checks.on('error', () => undefined);
  counter.depth = async (name) => (await checks.checkQueue(name)).messageCount;
  counter.purge = async (name) => (await checks.purgeQueue(name)).messageCount;
  counter.close = () => connection.close().catch(() => undefined);
  return counter;
}

/** Step 1's table from the seed's figures. */
function printSeeding(seeded, options) {
  const { imported, listed, sales } = seeded;
  const plan = sales.plan;
  printFigures(
    `sales 1/5: seeding ${int(options.customers)} customers and ${int(options.orders)} orders (through the running system, as npm start's demo seed)`,
    ['step', 'rows', 'time', 'rows/s'],
    [
      [`import customers through the gateway, ${imported.files} file(s) of ≤ 10,000 (upload → completed)`, int(imported.created), `${seconds(imported.seconds * 1000)} s`, int(imported.created / imported.seconds)],
      ['  the import jobs themselves (startedAt → finishedAt, summed)', int(imported.created), `${seconds(imported.ownSeconds * 1000)} s`, int(imported.created / imported.ownSeconds)],
      [`read their numbers back: GET /customers?pageSize=100, ${listed.pages} pages`, int(listed.customers.length), `${seconds(listed.seconds * 1000)} s`, int(listed.customers.length / listed.seconds)],
      [`generator writes the sales system (orders; + ${int(sales.written.lines)} lines, indexes, analyze)`, int(sales.written.orders), `${seconds(sales.seconds * 1000)} s`, int(sales.written.orders / sales.seconds)],
    ],
    [
      `csv: ${(imported.csvBytes / 1024 / 1024).toFixed(1)} MiB in all; sales file ${mib(seeded.salesBytes)}; ${sales.written.products} products, ${sales.written.storage} storage rows`,
      `plan: ${int(plan.active.length)} customers active (an order since ${plan.cutoff} + 14 days), ${int(plan.stale.length)} stale, ${int(plan.neverOrdered.length)} never ordered`,
    ],
  );
}

/**
 * Step 2: samples the bridge's database (snapshots, outbox backlog, customer copy), this run's
 * event count and the customer service's queue every SAMPLE_MS from the moment the sales file
 * exists (`t0`), until the sync is done and the customer service has consumed everything, or the
 * bounds. Leftover events are then purged from the customer service's queue, so the later steps
 * do not share the machine and its database with that consumer.
 */
async function firstSync({ t0, orders, customers, bridge, events, customerQueue, pids }) {
  const cpu0 = { bridge: cpuSeconds(pids.bridge), customer: cpuSeconds(pids.customer) };
  const copyAtStart = bridge.count('select count(*) from customer_copy');
  const at = {};
  const last = { snapshots: 0, pending: 0, depth: 0, copy: copyAtStart };
  let syncCpu;
  let lastProgress = t0;
  let zeroDepthSamples = 0;
  let peakDepth = 0;
  let lastCounts = -Infinity;
  for (;;) {
    const now = performance.now();
    // The order numbers are 1…N and the new-orders step takes them in key order: the highest
    // snapshot is their count, found in the primary key at once (a count(*) of 1,000,000 rows
    // every sample would load the machine being measured). Counted once at the end.
    last.snapshots = bridge.count('select coalesce(max(order_id), 0) from order_snapshot');
    // The unsent outbox rows and the customer copy are counted from indexes, less often.
    if (now - lastCounts >= COUNT_EVERY_MS || (at.snapshots && events.received >= orders && !at.outboxEmpty)) {
      lastCounts = now;
      last.pending = bridge.count('select count(*) from outbox_message where sent_at is null');
      last.copy = at.copy ? customers : bridge.count('select count(*) from customer_copy');
    }
    last.depth = await events.depth(customerQueue);
    peakDepth = Math.max(peakDepth, last.depth);
    if (last.snapshots > 0) at.firstSnapshot ??= now;
    if (last.snapshots >= orders && !at.snapshots) {
      at.snapshots = now;
      at.receivedAtSnapshots = events.received;
    }
    if (last.copy >= customers) at.copy ??= now;
    if (at.snapshots && at.published && last.pending === 0) at.outboxEmpty ??= now;
    if (events.received >= orders) at.published ??= events.allAt ?? now;
    const synced = at.snapshots && at.published;
    if (synced && !syncCpu) syncCpu = { bridge: cpuSeconds(pids.bridge) - cpu0.bridge, customer: cpuSeconds(pids.customer) - cpu0.customer, wall: now - t0, rss: rssOf(pids.bridge) };
    // Consumed: every event arrived and the queue stayed empty for two samples (in flight: ≤ prefetch).
    zeroDepthSamples = at.published && last.depth === 0 ? zeroDepthSamples + 1 : 0;
    if (zeroDepthSamples >= 2) at.consumed ??= now;
    const elapsed = now - t0;
    if (now - lastProgress >= PROGRESS_MS) {
      lastProgress = now;
      console.log(
        `  sales sync +${seconds(elapsed)} s: ${int(last.snapshots)} snapshots, ${int(events.received)} events received, outbox ${int(last.pending)} unsent, ` +
          `customer queue ${int(last.depth)}, bridge's customer copy ${int(last.copy)}`,
      );
    }
    if (at.consumed || elapsed >= SYNC_BOUND_MS || (synced && at.outboxEmpty && elapsed >= CONSUME_BOUND_MS)) break;
    await sleep(SAMPLE_MS);
  }
  const end = performance.now();
  const cpuEnd = { bridge: cpuSeconds(pids.bridge) - cpu0.bridge, customer: cpuSeconds(pids.customer) - cpu0.customer };
  // Consumed so far = what reached the customer service's queue (as many as this run's queue got) − what waits there.
  const consumed = at.consumed ? events.received : Math.max(0, events.received - last.depth);
  const receivedAtEnd = events.received;
  const purged = at.consumed ? 0 : await events.purge(customerQueue);
  const snapshots = bridge.count('select count(*) from order_snapshot');
  return { at, last, end, consumed, purged, peakDepth, copyAtStart, syncCpu, cpuEnd, snapshots, receivedAtEnd };
}

function printFirstSync(sync, { t0, orders, customers, customerQueue }) {
  const { at, last, end } = sync;
  const since = (time) => (time ? `${seconds(time - t0)} s` : `not within ${seconds(end - t0)} s`);
  const rate = (count, time) => (time ? int(count / ((time - t0) / 1000)) : int(count / ((end - t0) / 1000)));
  const consumeEnd = at.consumed ?? end;
  const rows = [
    ['bridge reads the sales file: its first snapshot', '', since(at.firstSnapshot), ''],
    ['every order has a snapshot (bridge: order_snapshot)', `${int(at.snapshots ? orders : last.snapshots)} of ${int(orders)}`, since(at.snapshots), rate(at.snapshots ? orders : last.snapshots, at.snapshots)],
    [`every ${EVENT} published (counted on this run's own queue)`, `${int(sync.receivedAtEnd)} of ${int(orders)}`, since(at.published), rate(Math.min(sync.receivedAtEnd, orders), at.published)],
    ["  the bridge's outbox has nothing unsent", int(last.pending), since(at.outboxEmpty), ''],
    [
      `customer service consumed them (${customerQueue} empty)${at.consumed ? '' : ': stopped waiting'}`,
      `${int(sync.consumed)} of ${int(orders)}`,
      at.consumed ? since(at.consumed) : `${seconds(end - t0)} s (bound)`,
      int(sync.consumed / ((consumeEnd - t0) / 1000)),
    ],
  ];
  const notes = [
    `times from the moment the sales file exists (the generator renames it into place when complete); the bridge polls every ${ORDER_SYNC_POLL_MS} ms and retries a failed connection after 2 s; sampled every ${SAMPLE_MS} ms`,
    `the customer service's queue peaked at ${int(sync.peakDepth)} waiting events; order_snapshot holds ${int(sync.snapshots)} rows at the end (count(*))`,
  ];
  if (!at.published) {
    const after = at.snapshots ? (sync.receivedAtEnd - at.receivedAtSnapshots) / ((end - at.snapshots) / 1000) : NaN;
    const before = at.snapshots ? at.receivedAtSnapshots / ((at.snapshots - t0) / 1000) : sync.receivedAtEnd / ((end - t0) / 1000);
    notes.push(
      `publishing had not finished after ${seconds(end - t0)} s (${int(sync.receivedAtEnd)} of ${int(orders)}): ${int(before)} events/s while the sync was catching up, ` +
        `${int(after)}/s since every order had its snapshot; at that rate the other ${int(orders - sync.receivedAtEnd)} would take another ~${int((orders - sync.receivedAtEnd) / after / 60)} min. ` +
        'The relay goes on publishing them through steps 3–5, and the customer service consuming them',
    );
  }
  if (!at.consumed) {
    const perSecond = sync.consumed / ((end - t0) / 1000);
    notes.push(
      `the customer service had consumed ${int(sync.consumed)} of ${int(orders)} after ${seconds(end - t0)} s (${int(perSecond)}/s` +
        `${sync.peakDepth < 1000 ? ', as fast as they were published: its queue never held more than ' + int(sync.peakDepth) : ''}); ` +
        `${int(sync.purged)} waiting events were purged from its queue`,
    );
  }
  if (sync.syncCpu) {
    notes.push(
      `CPU during the sync (${seconds(sync.syncCpu.wall)} s): bridge ${sync.syncCpu.bridge.toFixed(1)} s (${((sync.syncCpu.bridge / sync.syncCpu.wall) * 100000).toFixed(0)} % of a core), ` +
        `customer service ${sync.syncCpu.customer.toFixed(1)} s (${((sync.syncCpu.customer / sync.syncCpu.wall) * 100000).toFixed(0)} %); bridge resident ${sync.syncCpu.rss.toFixed(0)} MiB at the end of the sync`,
    );
  }
  notes.push(
    `CPU over the whole step (${seconds(end - t0)} s): bridge ${sync.cpuEnd.bridge.toFixed(1)} s, customer service ${sync.cpuEnd.customer.toFixed(1)} s (${((sync.cpuEnd.customer / (end - t0)) * 100000).toFixed(0)} % of a core)`,
    `the bridge's copy of the customers (from customer events): ${int(sync.copyAtStart)} of ${int(customers)} when the sales file appeared; ` +
      `${at.copy ? `complete at ${seconds(at.copy - t0)} s` : `${int(sync.last.copy)} at the end`}`,
  );
  if (sync.receivedAtEnd > orders) notes.push(`${int(sync.receivedAtEnd - orders)} events more than orders arrived (published twice?)`);
  printFigures(`sales 2/5: the bridge's first full sync of ${int(orders)} orders`, ['step', 'orders', 'time', 'orders/s'], rows, notes);
}

/**
 * Step 3: the bridge's CPU time over STEADY_SECONDS with nothing changing, per poll: each poll
 * moves the full sweep's cursor, whose `updated_at` is the poll's time, so distinct values
 * sampled every 250 ms count the polls.
 */
async function steadyState({ bridge, pid, url, orders, events }) {
  const unsent = () => bridge.count('select count(*) from outbox_message where sent_at is null');
  const unsentBefore = unsent();
  const received0 = events.received;
  const cursor = () => bridge.get("select updated_at as at, position, passes from order_sync_cursor where name = 'full'");
  const seen = new Set([String(cursor()?.at)]);
  const start = cursor();
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  while (performance.now() - t0 < STEADY_SECONDS * 1000) {
    await sleep(250);
    seen.add(String(cursor()?.at));
  }
  const wall = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(pid) - cpu0;
  const published = events.received - received0;
  const unsentAfter = unsent();
  const polls = seen.size - 1;
  const end = cursor();
  const live = bridge.count('select count(*) from order_snapshot where live = 1');
  // Then how long the bridge's event loop is held: its liveness endpoint (no database) every 100 ms.
  const probes = [];
  const p0 = performance.now();
  while (performance.now() - p0 < PROBE_SECONDS * 1000) {
    const t = performance.now();
    await fetch(`${url}/health/live`).then((response) => response.arrayBuffer());
    probes.push(performance.now() - t);
    await sleep(100);
  }
  const probe = percentiles(probes);
  const perPoll = polls > 0 ? (cpu / polls) * 1000 : NaN;
  printFigures(
    `sales 3/5: the bridge's steady-state poll cost at ${int(orders)} orders (nothing changes in the sales system)`,
    ['measurement', 'value'],
    [
      ['window', `${wall.toFixed(1)} s`],
      ['polls (distinct times on the full sweep cursor)', String(polls)],
      ['bridge CPU time (utime + stime)', `${(cpu * 1000).toFixed(0)} ms`],
      ['  per poll', `${perPoll.toFixed(1)} ms`],
      ['  share of a core', `${((cpu / wall) * 100).toFixed(1)} %`],
      ['bridge resident memory', `${rssOf(pid).toFixed(0)} MiB`],
      ["events the bridge's relay published meanwhile (outbox unsent before → after)", `${int(published)} (${int(unsentBefore)} → ${int(unsentAfter)})`],
      [`GET /health/live on the bridge every 100 ms for ${PROBE_SECONDS} s: p50 / p99 / max`, `${probe.p50.toFixed(1)} / ${probe.p99.toFixed(1)} / ${probe.max.toFixed(1)} ms (${probes.filter((ms) => ms > 100).length} of ${probes.length} > 100 ms)`],
    ],
    [
      `a poll reads up to three batches of ${ORDER_SYNC_BATCH} (ORDER_SYNC_BATCH) from the sales system: new orders, the live sweep (unpaid orders: ${int(live)} live snapshots), the full sweep; ` +
        `poll interval ${ORDER_SYNC_POLL_MS} ms (ORDER_SYNC_POLL_MS, default)`,
      `full sweep cursor: ${int(start?.position)} → ${int(end?.position)} (passes ${start?.passes} → ${end?.passes}); one pass over ${int(orders)} orders takes ~${int(orders / ORDER_SYNC_BATCH)} polls ≈ ${((orders / ORDER_SYNC_BATCH) * (ORDER_SYNC_POLL_MS / 1000) / 60).toFixed(1)} min at least`,
      "the CPU time is the whole process's: the sync, its outbox relay's polls, health checks and timers; the liveness probe runs after the CPU window (it answers from memory: its time is how long the event loop was held)",
      ...(published > 0 ? [`the relay was still publishing the first sync's events during the window (${int(published)}): the CPU time includes that, so "per poll" is an upper bound of the poll's own cost`] : []),
    ],
  );
}

/** Waits until the bridge's copy of the customers holds `customers`; resolves with how many it has. */
async function copyComplete(bridge, customers) {
  const deadline = performance.now() + COPY_WAIT_MS;
  let count = bridge.count('select count(*) from customer_copy');
  while (count < customers && performance.now() < deadline) {
    await sleep(1000);
    count = bridge.count('select count(*) from customer_copy');
  }
  return count;
}

/** Step 4: history, detail, products and inventory through the gateway, one request at a time (by default). */
async function historyTable({ api, requests, concurrency, options }, { salesDb, customers, bridge }) {
  const rand = prng(options.seed + 7);
  const idOf = new Map(customers.map((customer) => [customer.customerNo, customer.id]));
  // Shipped (5) and paid (6) orders are history; counted per customer from the sales file.
  const buyers = salesDb
    .all('select customer_no as customerNo, count(*) as n from orders where status in (5, 6) group by customer_no')
    .map((row) => ({ customerNo: row.customerNo, n: Number(row.n), id: idOf.get(row.customerNo) }))
    .filter((row) => row.id)
    .sort((a, b) => a.n - b.n);
  const few = buyers.slice(0, Math.max(1, Math.floor(buyers.length * FEW_SHARE)));
  const most = buyers.slice(-Math.min(MOST_COUNT, buyers.length));
  const orderOf = (buyer) => salesDb.get('select id from orders where customer_no = ? and status in (5, 6) order by id limit 1 offset ?', buyer.customerNo, rand.int(0, buyer.n - 1)).id;
  const lastPage = (buyer) => Math.max(1, Math.ceil(buyer.n / PAGE_SIZE));
  // Targets drawn before measuring, so the sales file's reads here are not in the latencies.
  const targets = (group, route) => Array.from({ length: requests }, () => route(rand.pick(group)));
  const history = (buyer, page) => `/customers/${buyer.id}/orders${page > 1 ? `?page=${page}` : ''}`;
  const operations = [
    [`GET /customers/{id}/orders, page 1: random customers with orders (${int(buyers[0].n)}–${int(buyers.at(-1).n)} orders)`, targets(buyers, (b) => history(b, 1)), true],
    [`  page 1: the ${FEW_SHARE * 100} % with the fewest (${int(few[0].n)}–${int(few.at(-1).n)} orders)`, targets(few, (b) => history(b, 1)), true],
    [`  page 1: the ${most.length} with the most (${int(most[0].n)}–${int(most.at(-1).n)} orders)`, targets(most, (b) => history(b, 1)), true],
    [`  last page (${PAGE_SIZE} a page): the ${most.length} with the most`, targets(most, (b) => history(b, lastPage(b))), true],
    ['GET /customers/{id}/orders/{orderNo}: random customers with orders', targets(buyers, (b) => `/customers/${b.id}/orders/${orderOf(b)}`), true],
    [`  the ${FEW_SHARE * 100} % with the fewest orders`, targets(few, (b) => `/customers/${b.id}/orders/${orderOf(b)}`), true],
    [`  the ${most.length} with the most orders`, targets(most, (b) => `/customers/${b.id}/orders/${orderOf(b)}`), true],
    ['GET /products (default page)', Array(requests).fill('/products'), false],
    ['GET /inventory (default page)', Array(requests).fill('/inventory'), false],
  ];
  const copy = await copyComplete(bridge, customers.length);
  const get = (route) => api.expect(200, 'supervisor', 'GET', route);
  // Warm-up: JIT, pools and the sales file's pages in the OS cache.
  for (let i = 0; i < 3; i++) for (const [, routes] of operations) await get(routes[i % routes.length]);
  const rows = [];
  for (const [operation, routes] of operations) rows.push(await measure(operation, { total: routes.length, concurrency, request: (i) => get(routes[i]) }));
  const top = most.at(-1);
  const topTotal = (await get(history(top, 1))).body.total;
  const barRows = rows.filter((_, i) => operations[i][2]);
  const worst = barRows.reduce((a, b) => (b.p95 > a.p95 ? b : a));
  return {
    rows,
    notes: [
      `bar (order history and detail): p95 ≤ ${HISTORY_BAR_MS} ms — ${barRows.filter((row) => row.p95 <= HISTORY_BAR_MS).length} of ${barRows.length} rows ✓; worst p95 ${worst.p95.toFixed(1)} ms (${worst.operation.trim()}) ${check(worst.p95 <= HISTORY_BAR_MS)}`,
      `${int(buyers.length)} customers with shipped or paid orders (of ${int(customers.length)}); the one with the most has ${int(top.n)} in the sales file, the API's total ${int(topTotal)}`,
      `the bridge's customer copy: ${int(copy)} of ${int(customers.length)} customers when measured (history is looked up by customer id → number there)`,
    ],
  };
}

/** Step 5: the churn warning scan, straight to the customer service (the gateway's upstream timeout is 15 s). */
async function churnScan({ system, tokens, customerPid, customerDb, plan, customers }) {
  const churnRecords = () => customerDb.count('select count(*) from churn_record');
  const before = { records: churnRecords(), activity: customerDb.count('select count(*) from customer_order_activity'), normal: customerDb.count("select count(*) from customer where status = 'normal'") };
  const direct = new Api(`${system.services.customer.url}/api/v1`, tokens);
  const processes = [{ label: 'customer', pid: customerPid }];
  const sampler = new MemorySampler(processes);
  const rssBefore = rssOf(customerPid);
  const cpu0 = cpuSeconds(customerPid);
  sampler.start();
  const t0 = performance.now();
  const response = await direct.call('admin', 'POST', '/churn-records/scan');
  const wallMs = performance.now() - t0;
  const peak = sampler.stop().get(customerPid);
  const cpu = cpuSeconds(customerPid) - cpu0;
  const rssAfter = rssOf(customerPid);
  await sleep(10_000);
  const rssLater = rssOf(customerPid);
  const found = response.status === 200;
  const created = found ? response.body.created : NaN;
  const notes = [];
  if (!found) notes.push(`POST /churn-records/scan answered ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`);
  notes.push(
    `bar: ≤ ${SCAN_BAR_MS / 1000} s ${found ? check(wallMs <= SCAN_BAR_MS) : '✗ (no answer)'}; warnings created ${int(created)} (churn records ${int(before.records)} before, ${int(churnRecords())} after); customer service CPU ${cpu.toFixed(1)} s`,
    `customers: ${int(before.normal)} normal of ${int(customers)}; ${int(before.activity)} with an order the customer service has consumed; ` +
      `with every order consumed the plan expects ${int(plan.neverOrdered.length + plan.stale.length)} warnings (${int(plan.neverOrdered.length)} never ordered + ${int(plan.stale.length)} stale)`,
    `customer service resident memory (MiB): before ${rssBefore.toFixed(0)}, peak ${peak.toFixed(0)} (sampled every 250 ms), right after ${rssAfter.toFixed(0)}, after 10 s ${rssLater.toFixed(0)}`,
    'straight to the customer service with the admin token (the same request through the gateway is cut at its 15 s upstream timeout)',
  );
  return {
    rows: [{ operation: `POST /churn-records/scan (admin) over ${int(customers)} customers`, count: 1, rps: null, p50: wallMs, p95: NaN, p99: NaN, max: wallMs, failures: found ? 0 : 1 }],
    notes,
  };
}

module.exports = {
  name: 'sales',
  // Long (~15–30 min at 100,000 / 1,000,000) and a system of its own data: only when asked for by name.
  explicitOnly: true,
  defaults: { requests: 200, concurrency: 1 },

  async run(context) {
    const { system, api, tokens, amqpUrl, exchange, options, requests, concurrency } = context;
    const { topologyNames } = require(path.join(__dirname, '..', '..', '..', 'dist', 'libs', 'messaging', 'src', 'messaging.options.js'));
    const bridgeEnv = system.replicas['sales-bridge'][0].env;
    const customerEnv = system.replicas.customer[0].env;
    const customerQueue = topologyNames({ service: 'customer', exchange, queuePrefix: customerEnv.AMQP_QUEUE_PREFIX }).consumerQueue;
    const pids = { bridge: system.services['sales-bridge'].process.pid, customer: system.services.customer.process.pid };
    const orders = options.orders;

    // Bound before the sales file exists: the bridge publishes nothing until it does.
    const events = await countEvents(amqpUrl, exchange, orders);
    const bridge = readOnly(bridgeEnv.DB_NAME);
    let salesDb;
    let customerDb;
    try {
      // 1. Seeding.
      const seeded = await seedSales({ api, salesFile: bridgeEnv.SALES_DB_NAME, customers: options.customers, orders, seed: options.seed });
      const t0 = performance.now();
      seeded.salesBytes = statSync(bridgeEnv.SALES_DB_NAME).size;
      printSeeding(seeded, options);

      // 2. The first full sync.
      const sync = await firstSync({ t0, orders, customers: seeded.customers.length, bridge, events, customerQueue, pids });
      printFirstSync(sync, { t0, orders, customers: seeded.customers.length, customerQueue });

      // 3. Steady state.
      await steadyState({ bridge, pid: pids.bridge, url: system.services['sales-bridge'].url, orders, events });

      // 4. Order history, products, inventory.
      salesDb = readOnly(bridgeEnv.SALES_DB_NAME);
      const unsent = bridge.count('select count(*) from outbox_message where sent_at is null');
      const history = await historyTable(context, { salesDb, customers: seeded.customers, bridge });
      if (unsent > 0) history.notes.push(`measured while the bridge's relay still publishes the first sync's events (${int(unsent)} unsent at the start) and the customer service consumes them`);
      printTable(
        `sales 4/5: order history through the gateway at ${int(orders)} orders (supervisor; ${requests} requests per operation, ${concurrency} at a time)`,
        history.rows,
        history.notes,
      );

      // 5. The churn scan.
      customerDb = readOnly(customerEnv.DB_NAME);
      const scan = await churnScan({ system, tokens, customerPid: pids.customer, customerDb, plan: seeded.sales.plan, customers: seeded.customers.length });
      return { title: `sales 5/5: the churn warning scan over ${int(seeded.customers.length)} customers`, rows: scan.rows, notes: scan.notes };
    } finally {
      bridge.close();
      salesDb?.close();
      customerDb?.close();
      await events.close();
    }
  },
};
