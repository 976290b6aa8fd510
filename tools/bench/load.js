// HTTP load with autocannon: saturation (N connections as fast as the server answers) and a fixed
// request rate, each resolving with one row of the load table (see printLoadTable).
//
// Two things autocannon does that the figures must not inherit:
// - Its rate limit is a budget per connection per second: every connection sends its share back to
//   back when its one-second timer fires, and all of one instance's timers start together. 200 req/s
//   over 20 connections arrives as a burst of 200 in the first ~100 ms of each second, then nothing.
//   A fixed rate here is therefore one request per connection per second (connections = rate), the
//   connections split over up to SPREAD_GROUPS instances started 1000/SPREAD_GROUPS ms apart: at
//   200 req/s, 2 requests start together every 10 ms. Each instance costs the load generator ~2 MB
//   (its latency histogram), a price worth paying: a burst of 20 at once queues in a 2-core system
//   and its p99 measures the burst, not the rate.
// - Its latency histogram has whole-millisecond buckets and no p95, and under a rate its
//   coordinated-omission correction uses ceil(1 / rate) ms as the expected interval (a unit slip:
//   the rate is per second), which adds a synthetic sample for every millisecond of each response
//   (4,138 samples for 640 requests in a trial). The rows use each 2xx response's own time from
//   autocannon's `response` event (request written → last byte, sub-millisecond) instead, with
//   the correction off. The price of one connection per request per second: if a response takes
//   longer than a second its connection falls behind, and the achieved rate shows it.
const autocannon = require('autocannon');
const { percentiles } = require('./harness');

const SPREAD_GROUPS = 100;
const BODY_SHOWN = 300;

/**
 * Runs autocannon instances (each `{ delayMs, options }`) and pools what they saw: 2xx latencies,
 * status counts, connection errors and timeouts, the first non-2xx body, when responses came.
 * Each connection's first response is counted as a status but not measured: it includes the TCP
 * connect and, under a rate, the other instances starting up in this process (in trials most
 * responses over 20 ms from the minimal endpoint came in that first second).
 */
async function runInstances(instances, request) {
  const stats = { latencies: [], measured: 0, statuses: {}, errors: 0, timeouts: 0, firstNon2xx: undefined, firstAt: NaN, lastAt: NaN };
  const connected = new WeakSet();
  // `onResponse` is autocannon's hook that sees bodies; it keeps the first failure's, for the report.
  const requests = [
    {
      ...request,
      onResponse: (status, body) => {
        if ((status < 200 || status > 299) && stats.firstNon2xx === undefined) stats.firstNon2xx = `${status} ${String(body).slice(0, BODY_SHOWN)}`;
      },
    },
  ];
  const results = await Promise.all(
    instances.map(async ({ delayMs, options }) => {
      if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
      // skipAggregateResult: the raw result still counts errors and timeouts, and decoding each
      // instance's 2 MB histogram back only to be ignored costs the load generator CPU and garbage.
      const instance = autocannon({ ...options, requests, ignoreCoordinatedOmission: options.overallRate !== undefined, skipAggregateResult: true });
      instance.on('response', (client, status, _bytes, ms) => {
        stats.statuses[status] = (stats.statuses[status] ?? 0) + 1;
        if (!connected.has(client)) {
          connected.add(client);
          return;
        }
        const now = performance.now();
        if (!(stats.firstAt <= now)) stats.firstAt = now;
        stats.lastAt = now;
        stats.measured++;
        if (status >= 200 && status <= 299) stats.latencies.push(ms);
      });
      return instance;
    }),
  );
  for (const result of results) {
    stats.errors += result.errors;
    stats.timeouts += result.timeouts;
  }
  return stats;
}

/**
 * A load-table row from pooled stats. `rps` counts measured 2xx responses only (failures are not
 * throughput), over the time between the first and the last of them: n responses are n − 1
 * intervals. Not the instances' own duration, which ends up to a second after the last request
 * (autocannon notices a finished rate-limited connection at its next tick). `non2xx` counts every
 * response, first ones too: a failure is never left out.
 */
function toRow(label, { target, connections }, stats) {
  const ok = stats.latencies.length;
  const seconds = (stats.lastAt - stats.firstAt) / 1000;
  const non2xx = Object.entries(stats.statuses).reduce((sum, [status, n]) => (status >= 200 && status <= 299 ? sum : sum + n), 0);
  return {
    label,
    target,
    connections,
    ...percentiles(stats.latencies),
    count: ok,
    rps: stats.measured > 1 && seconds > 0 ? ((stats.measured - 1) / seconds) * (ok / stats.measured) : 0,
    non2xx,
    statuses: stats.statuses,
    errors: stats.errors,
    timeouts: stats.timeouts,
    firstNon2xx: stats.firstNon2xx,
  };
}

/** `request`: { url, method?, headers?, body? } as autocannon takes them. */
function requestOf({ url, method = 'GET', headers = {}, body }) {
  const { origin, pathname, search } = new URL(url);
  return { base: origin, request: { method, path: pathname + search, headers, body } };
}

/** As many requests as `connections` clients get answered in `seconds` (or until `amount` are). */
async function saturate(label, { connections, seconds, amount, ...target }) {
  const { base, request } = requestOf(target);
  const until = amount === undefined ? { duration: seconds } : { amount };
  const stats = await runInstances([{ delayMs: 0, options: { url: base, connections, ...until } }], request);
  return toRow(label, { target: null, connections }, stats);
}

/** `rate` requests per second for `seconds` (see the top of this file for how they are spread). */
async function fixedRate(label, { rate, seconds, ...target }) {
  const { base, request } = requestOf(target);
  const groups = Math.min(rate, SPREAD_GROUPS);
  const instances = Array.from({ length: groups }, (_, i) => {
    const connections = Math.floor(rate / groups) + (i < rate % groups ? 1 : 0);
    // `amount` rather than `duration`: every connection sends exactly one request more than
    // `seconds` (its first is not measured), so the achieved rate is requests over the time they
    // took, not cut at an arbitrary instant.
    return { delayMs: (i * 1000) / groups, options: { url: base, connections, overallRate: connections, amount: connections * (seconds + 1) } };
  });
  const stats = await runInstances(instances, request);
  return toRow(label, { target: rate, connections: rate }, stats);
}

const ms = (value) => (Number.isFinite(value) ? value.toFixed(1) : '–');
const count = (value) => value.toLocaleString('en');

/** Whether a row's figures are the service's at all: every response 2xx, no connection lost. */
const failed = (row) => row.non2xx > 0 || row.errors > 0;

/** Below 95 % of its target the server, or the load generator, could not keep the rate. */
const missedRate = (row) => row.target !== null && row.rps < 0.95 * row.target;

/**
 * `| run | conns | target req/s | req/s | p50 | p95 | p99 | max | n (2xx) | non-2xx + errors | vs minimal | bar |`,
 * then notes; a row with failures or a missed rate is marked and explained below the table.
 */
function printLoadTable(title, rows, notes = []) {
  const header = ['run', 'conns', 'target req/s', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'n (2xx)', 'non-2xx + errors', 'vs minimal', 'bar'];
  const cells = rows.map((row) => {
    if (row.skipped) return [row.label, '', '', 'skipped', '', '', '', '', '', '', '', ''];
    return [
      failed(row) ? `${row.label} !! ERRORS` : row.label,
      String(row.connections),
      row.target === null ? 'max' : count(row.target),
      `${count(Math.round(row.rps))}${missedRate(row) ? ' !!' : ''}`,
      ms(row.p50),
      ms(row.p95),
      ms(row.p99),
      ms(row.max),
      count(row.count),
      count(row.non2xx + row.errors),
      row.ratio === undefined ? '' : `${(row.ratio * 100).toFixed(1)} %`,
      row.bar ?? '',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (values) => `| ${values.map((v, i) => (i === 0 || i === values.length - 1 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join(' | ')} |`;
  console.log(`\n### ${title}\n`);
  console.log(line(header));
  console.log(`|${widths.map((w, i) => (i === 0 || i === widths.length - 1 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const row of cells) console.log(line(row));
  console.log('');
  for (const note of notes) console.log(note);
  for (const row of rows) {
    if (row.skipped) console.log(`skipped "${row.label}": ${row.skipped}`);
    if (!row.skipped && failed(row)) {
      const statuses = Object.entries(row.statuses).filter(([status]) => status < 200 || status > 299);
      console.log(
        `!! ERRORS in "${row.label}": ${count(row.non2xx)} non-2xx responses (${statuses.map(([status, n]) => `${status} ×${n}`).join(', ') || 'none'}), ` +
          `${row.errors} connection errors (${row.timeouts} of them timeouts) — its latencies are of the 2xx responses only and the row does not measure the service` +
          (row.firstNon2xx ? `\n!! first non-2xx response: ${row.firstNon2xx}` : ''),
      );
    }
    if (!row.skipped && missedRate(row)) {
      console.log(
        `!! "${row.label}" reached ${Math.round(row.rps)} of ${row.target} req/s: responses took longer than the rate allows, so ` +
          `requests were sent late and its latencies understate what a steady ${row.target} req/s would see`,
      );
    }
  }
}

module.exports = { saturate, fixedRate, printLoadTable, failed, missedRate };
