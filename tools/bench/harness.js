// What every bench scenario shares: tokens from the identity provider, the request loop with
// percentiles and throughput, the table printer, processes' resident memory (also sampled during
// load), and the broker topology a run leaves behind. Plain JavaScript: it runs after the build,
// next to dist/.
const { readFileSync } = require('node:fs');
const path = require('node:path');
const amqp = require('amqplib');

/** Password-grant tokens per demo user (password = user name), fetched again before they expire. */
class Tokens {
  constructor(authUrl) {
    this.authUrl = authUrl;
    this.cache = new Map();
  }

  async token(username) {
    const cached = this.cache.get(username);
    if (cached && cached.until > Date.now()) return cached.token;
    const response = await fetch(`${this.authUrl}/realms/crm/protocol/openid-connect/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'password', client_id: 'crm-cli', username, password: username }),
    });
    if (!response.ok) throw new Error(`token for ${username}: ${response.status} ${await response.text()}`);
    const grant = await response.json();
    // Renewed 30 s early, so a request never leaves with a token that expires on the way.
    this.cache.set(username, { token: grant.access_token, until: Date.now() + Math.max(grant.expires_in - 30, 5) * 1000 });
    return grant.access_token;
  }

  async headers(username, extra = {}) {
    return { authorization: `Bearer ${await this.token(username)}`, ...extra };
  }
}

/** JSON API calls through the gateway as one of the demo users. */
class Api {
  constructor(baseUrl, tokens) {
    this.baseUrl = baseUrl;
    this.tokens = tokens;
  }

  /** Resolves with { status, headers, body }; the body is read completely (it is part of the latency). */
  async call(username, method, route, body, extraHeaders) {
    const response = await fetch(`${this.baseUrl}${route}`, {
      method,
      headers: await this.tokens.headers(username, body === undefined ? extraHeaders : { 'content-type': 'application/json', ...extraHeaders }),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text for the failure message
    }
    return { status: response.status, headers: response.headers, body: parsed };
  }

  /** The same, throwing (a failure in the loop) unless the status is one of `expected`. */
  async expect(expected, username, method, route, body, extraHeaders) {
    const result = await this.call(username, method, route, body, extraHeaders);
    if (![expected].flat().includes(result.status)) {
      const detail = typeof result.body === 'object' ? JSON.stringify(result.body) : String(result.body);
      throw new Error(`${method} ${route} → ${result.status} ${detail.slice(0, 300)}`);
    }
    return result;
  }
}

/** p50/p95/p99/max of latencies in ms (nearest rank: the sample at floor(p·n)). */
function percentiles(samples) {
  if (samples.length === 0) return { count: 0, p50: NaN, p95: NaN, p99: NaN, max: NaN };
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  return { count: sorted.length, p50: at(50), p95: at(95), p99: at(99), max: sorted.at(-1) };
}

/**
 * Runs `request(i)` `total` times with `concurrency` in flight at once. A request that throws is a
 * failure (its latency still counts); the first failure's message is kept for the report.
 * Resolves with one table row.
 */
async function measure(operation, { total, concurrency, request }) {
  const latencies = [];
  let next = 0;
  let failures = 0;
  let firstFailure;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, total) }, async () => {
      while (next < total) {
        const index = next++;
        const t0 = performance.now();
        try {
          await request(index);
        } catch (error) {
          failures++;
          firstFailure ??= error instanceof Error ? error.message : String(error);
        }
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { operation, concurrency, rps: total / seconds, ...percentiles(latencies), failures, firstFailure };
}

/** A row from latencies measured some other way (e.g. event → visible), without a request rate. */
function sampleRow(operation, samples, failures = 0, firstFailure) {
  return { operation, rps: null, ...percentiles(samples), failures, firstFailure };
}

const ms = (value) => (Number.isFinite(value) ? value.toFixed(1) : '–');

/** `| operation | n | req/s | p50 | p95 | p99 | max | failures |` (ms), then notes and failure reasons. */
function printTable(title, rows, notes = []) {
  const header = ['operation', 'n', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'failures'];
  const cells = rows.map((row) => [
    row.operation,
    String(row.count),
    row.rps === null ? '–' : row.rps.toFixed(0),
    ms(row.p50),
    ms(row.p95),
    ms(row.p99),
    ms(row.max),
    String(row.failures),
  ]);
  const widths = header.map((h, i) => Math.max(displayWidth(h), ...cells.map((c) => displayWidth(c[i]))));
  const line = (values) => `| ${values.map((v, i) => (i === 0 ? padEnd(v, widths[i]) : padStart(v, widths[i]))).join(' | ')} |`;
  console.log(`\n### ${title}\n`);
  console.log(line(header));
  console.log(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const row of cells) console.log(line(row));
  const failed = rows.filter((row) => row.firstFailure);
  if (notes.length || failed.length) console.log('');
  for (const note of notes) console.log(note);
  for (const row of failed) console.log(`first failure of "${row.operation}": ${row.firstFailure}`);
}

/** Terminal columns: CJK characters take two, so Chinese operation names still line up. */
function displayWidth(text) {
  let width = 0;
  for (const char of text) width += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(char) ? 2 : 1;
  return width;
}
const padEnd = (text, width) => text + ' '.repeat(Math.max(0, width - displayWidth(text)));
const padStart = (text, width) => ' '.repeat(Math.max(0, width - displayWidth(text))) + text;

/** VmRSS and VmHWM (the kernel's peak) in MiB of each process ({label, pid}; Linux /proc). */
function residentMemory(processes) {
  return processes.map((child) => {
    let status = '';
    try {
      status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    } catch {
      // exited, or not Linux: NaN below
    }
    const kib = (field) => {
      const match = status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
      return match ? Number(match[1]) / 1024 : NaN;
    };
    return { label: child.label, pid: child.pid, rss: kib('VmRSS'), peak: kib('VmHWM') };
  });
}

/**
 * Every process's RSS every 250 ms while a scenario runs, keeping each one's highest: the peak
 * *during* the load. VmHWM cannot say that, it holds the highest since the process started.
 */
class MemorySampler {
  constructor(processes, intervalMs = 250) {
    this.processes = processes;
    this.intervalMs = intervalMs;
    this.peaks = new Map();
  }

  start() {
    this.peaks.clear();
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  sample() {
    for (const { pid, rss } of residentMemory(this.processes)) {
      if (!(this.peaks.get(pid) >= rss)) this.peaks.set(pid, rss);
    }
  }

  /** pid → highest sampled RSS (MiB), the last sample taken now. */
  stop() {
    clearInterval(this.timer);
    this.sample();
    return new Map(this.peaks);
  }
}

/** One row per process: RSS before, the sampled peak during, right after, after the idle wait; VmHWM. */
function printMemory(title, { before, peaks, after, idle, idleSeconds }) {
  console.log(`\n### ${title}\n`);
  const idleHeader = idleSeconds > 0 ? ` after ${idleSeconds} s idle |` : '';
  console.log(`| process | pid | before | peak during load | right after |${idleHeader} VmHWM |`);
  console.log(`|---|--:|--:|--:|--:|${idleSeconds > 0 ? '--:|' : ''}--:|`);
  for (const entry of after) {
    const of = (snapshot) => ms(snapshot?.find((e) => e.pid === entry.pid)?.rss);
    const idleCell = idleSeconds > 0 ? ` ${of(idle)} |` : '';
    console.log(`| ${entry.label} | ${entry.pid} | ${of(before)} | ${ms(peaks.get(entry.pid))} | ${ms(entry.rss)} |${idleCell} ${ms(entry.peak)} |`);
  }
}

/**
 * Deletes what a run declared on the shared broker: its consumer, dead-letter and retry queues
 * (named with the run's prefix), the unrouted queue and the run's exchanges.
 */
async function deleteRunTopology({ amqpUrl, exchange, queuePrefix, services }) {
  const { topologyNames } = require(path.join(__dirname, '..', '..', 'dist', 'libs', 'messaging', 'src', 'messaging.options.js'));
  const queues = new Set();
  const exchanges = new Set();
  for (const service of services) {
    const names = topologyNames({ service, exchange, queuePrefix });
    [names.consumerQueue, names.deadLetterQueue, names.unroutedQueue, ...names.retryQueues.map((retry) => retry.queue)].forEach((q) => queues.add(q));
    [names.exchange, names.unroutedExchange, names.deadLetterExchange].forEach((e) => exchanges.add(e));
  }
  const connection = await amqp.connect(amqpUrl);
  try {
    // A failed operation closes its channel: one channel each.
    const attempt = async (work) => {
      const channel = await connection.createChannel();
      channel.on('error', () => undefined);
      await work(channel).catch(() => undefined);
      await channel.close().catch(() => undefined);
    };
    for (const queue of queues) await attempt((channel) => channel.deleteQueue(queue));
    for (const name of exchanges) await attempt((channel) => channel.deleteExchange(name));
  } finally {
    await connection.close().catch(() => undefined);
  }
}

module.exports = { Tokens, Api, measure, percentiles, sampleRow, printTable, residentMemory, MemorySampler, printMemory, deleteRunTopology };
