// Seeds the sales scenario through the running system, as `npm start`'s demo seed does
// (tools/system/demo-seed.js: the customers through the customer service's own import, their
// numbers read back from the list, then the sales system's SQLite file written by the generator
// for exactly those numbers), in its pieces so each is timed on its own, and keeping each
// customer's id (the order history is asked for by customer id). The same generator functions
// and chunking as the demo seed; only the timing and the ids are added here.
require('../../register-paths');
const { createSalesDatabase, demoCustomers, demoCustomersCsv, salesNames } = require('@crm/sales-system');
const { companyToday, DEMO } = require('../../system/demo-seed');

/** Customers per import file, as the demo seed: each file is one all-or-nothing import. */
const IMPORT_CHUNK = 10_000;
/** The list's largest page. */
const PAGE_SIZE = 100;
const JOB_POLL_MS = 250;

async function call(api, username, method, route, body, contentType) {
  const response = await fetch(`${api.baseUrl}${route}`, {
    method,
    headers: await api.tokens.headers(username, body === undefined ? {} : { 'content-type': contentType }),
    body,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${route} → ${response.status} ${text.slice(0, 300)}`);
  return { body: text ? JSON.parse(text) : undefined, location: response.headers.get('location') };
}

/**
 * The rows imported as an admin in files of IMPORT_CHUNK (`mode=valid-only`, like the demo seed),
 * one after another, each polled to its end. Resolves with the wall time from the first upload to
 * the last `completed` and the jobs' own time (startedAt → finishedAt, summed).
 */
async function importCustomers(api, rows, log) {
  const started = performance.now();
  let created = 0;
  let ownSeconds = 0;
  let csvBytes = 0;
  for (let start = 0; start < rows.length; start += IMPORT_CHUNK) {
    const csv = demoCustomersCsv(rows.slice(start, start + IMPORT_CHUNK));
    csvBytes += Buffer.byteLength(csv);
    let { body: job } = await call(api, 'admin', 'POST', '/customers/imports?fileName=bench-sales.csv&mode=valid-only', csv, 'text/csv');
    while (!job.finished) {
      await new Promise((resolve) => setTimeout(resolve, JOB_POLL_MS));
      ({ body: job } = await call(api, 'admin', 'GET', `/customers/imports/${job.id}`));
    }
    if (job.status !== 'completed' || job.counts.rejected > 0) throw new Error(`import ended ${job.status}: ${JSON.stringify(job.counts)} ${JSON.stringify(job.rows?.slice(0, 3))}`);
    created += job.counts.created;
    ownSeconds += (Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000;
    log(`  sales seed: customers imported: ${Math.min(start + IMPORT_CHUNK, rows.length)} of ${rows.length} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
  return { created, files: Math.ceil(rows.length / IMPORT_CHUNK), csvBytes, seconds: (performance.now() - started) / 1000, ownSeconds };
}

/**
 * Each imported customer's number and id by name, paging `GET /customers` newest first as the
 * demo seed does (the import's customers are the newest). Resolves with them in the rows' order.
 */
async function readBack(api, rows) {
  const started = performance.now();
  const wanted = new Set(rows.map((row) => row.name));
  const found = new Map();
  let pages = 0;
  for (let page = 1; found.size < wanted.size; page++) {
    const { body } = await call(api, 'admin', 'GET', `/customers?page=${page}&pageSize=${PAGE_SIZE}`);
    pages++;
    for (const customer of body.items) if (wanted.has(customer.name)) found.set(customer.name, { id: customer.id, customerNo: customer.customerNo });
    if (body.items.length < PAGE_SIZE) break;
  }
  const missing = rows.filter((row) => !found.has(row.name));
  if (missing.length) throw new Error(`${missing.length} customers were not listed after the import (e.g. ${missing[0].name})`);
  return { customers: rows.map((row) => found.get(row.name)), pages, seconds: (performance.now() - started) / 1000 };
}

/**
 * The whole seed: customers (import, then read back), then the sales system's SQLite file at
 * `salesFile` (written under a temporary name and renamed when complete, so the bridge sees it
 * only whole). Resolves with each piece's figures, the customers ({id, customerNo}) and the plan.
 */
async function seedSales({ api, salesFile, customers, orders, seed, log = console.log }) {
  const rows = demoCustomers({ seed, count: customers, managers: DEMO.managers });
  const imported = await importCustomers(api, rows, log);
  const listed = await readBack(api, rows);
  log(`  sales seed: ${listed.customers.length} customer numbers read back in ${listed.seconds.toFixed(1)} s (${listed.pages} pages); writing ${orders} orders`);
  const started = performance.now();
  let reported = 0;
  const created = await createSalesDatabase({ driver: 'sqlite', file: salesFile }, salesNames(), {
    seed,
    customerNos: listed.customers.map((customer) => customer.customerNo),
    orders,
    today: companyToday(),
    onProgress: (count) => {
      if (count - reported >= 200_000) log(`  sales seed: ${(reported = count)} orders written (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    },
  });
  if (!created.written) throw new Error(`${salesFile} had orders already`);
  return { imported, listed, sales: { written: created.written, plan: created.plan, seconds: (performance.now() - started) / 1000 }, customers: listed.customers };
}

module.exports = { seedSales, IMPORT_CHUNK };
