// The embedded default's demo data, made once on the first `npm start` (and by the end-to-end
// tests and the benchmark at other sizes): customers created through the customer service's own
// import (over the API, as an admin would), then a sales-system database whose orders belong to
// exactly those customers — some ordered within six months, some only before, some never — so a
// new user sees order history, products, inventory and, after a churn scan, warnings of their own.
require('../register-paths');
const fs = require('node:fs');
const { createSalesDatabase, demoCustomers, demoCustomersCsv, salesNames } = require('@crm/sales-system');

const DEMO = { seed: 'crm-demo', customers: 60, orders: 1200, managers: ['manager1', 'manager2'] };
/** Customers per import file: each file is one all-or-nothing import. */
const IMPORT_CHUNK = 10_000;

async function token(authUrl, username) {
  const response = await fetch(`${authUrl}/realms/crm/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', client_id: 'crm-cli', username, password: username }),
  });
  if (!response.ok) throw new Error(`no token for ${username}: ${response.status} ${await response.text()}`);
  return (await response.json()).access_token;
}

async function call(api, bearer, method, url, body, contentType = 'application/json') {
  const response = await fetch(`${api}${url}`, {
    method,
    headers: { authorization: `Bearer ${bearer}`, ...(body ? { 'content-type': contentType } : {}) },
    body,
  });
  const text = await response.text();
  const json = text ? JSON.parse(text) : undefined;
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${text.slice(0, 500)}`);
  return { status: response.status, body: json, location: response.headers.get('location') };
}

/**
 * Imports the rows in files of IMPORT_CHUNK as an admin (`mode=valid-only`); rows whose name is
 * already a customer's are reported as duplicates, not created again. Resolves with what was
 * created and the jobs' own time (startedAt → finishedAt, summed).
 */
async function importCustomers(api, bearer, rows, log = () => undefined) {
  let created = 0;
  let ownSeconds = 0;
  let csvBytes = 0;
  for (let start = 0; start < rows.length; start += IMPORT_CHUNK) {
    const csv = demoCustomersCsv(rows.slice(start, start + IMPORT_CHUNK));
    csvBytes += Buffer.byteLength(csv);
    let { body: job, location } = await call(api, bearer, 'POST', `/customers/imports?fileName=demo-customers.csv&mode=valid-only`, csv, 'text/csv');
    while (!job.finished) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      job = (await call(api, bearer, 'GET', location.replace(/^\/api\/v1/, ''))).body;
    }
    if (job.status !== 'completed' || job.counts.rejected > 0) throw new Error(`the demo customers were refused: ${JSON.stringify(job.counts)} ${JSON.stringify(job.rows?.slice(0, 3))}`);
    created += job.counts.created;
    ownSeconds += (Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000;
    log(`customers imported: ${Math.min(start + IMPORT_CHUNK, rows.length)} of ${rows.length}`);
  }
  return { created, files: Math.ceil(rows.length / IMPORT_CHUNK), csvBytes, ownSeconds };
}

/**
 * The id and number the customer service gave each row, found by name paging the list newest
 * first (the demo's are the newest); in the rows' order.
 */
async function listImported(api, bearer, rows) {
  const wanted = new Set(rows.map((row) => row.name));
  const found = new Map();
  let pages = 0;
  for (let page = 1; found.size < wanted.size; page++) {
    const { body } = await call(api, bearer, 'GET', `/customers?page=${page}&pageSize=100`);
    pages++;
    for (const customer of body.items) if (wanted.has(customer.name)) found.set(customer.name, { id: customer.id, customerNo: customer.customerNo });
    if (body.items.length < 100) break;
  }
  const missing = rows.filter((row) => !found.has(row.name));
  if (missing.length) throw new Error(`${missing.length} demo customers were not found after the import (e.g. ${missing[0].name})`);
  return { customers: rows.map((row) => found.get(row.name)), pages };
}

/** `YYYY-MM-DD` of now in the company's time zone. */
function companyToday(timeZone = process.env.COMPANY_TIME_ZONE ?? 'Asia/Shanghai') {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

/**
 * Seeds a running system unless its sales-system database is there already (a SQLite file is
 * renamed into place only when complete, so its presence means a finished seed; a server database
 * is left alone when it has orders). Idempotent: a seed interrupted after the import finds its
 * customers again by name and writes the sales database for them.
 * options: { urls: {api, auth}, salesFile | salesTarget: {driver: 'postgresql', url, schema},
 *            customers?, orders?, seed?, today?, log? }
 */
async function seedDemo(options) {
  const log = options.log ?? (() => undefined);
  const target = options.salesTarget ?? { driver: 'sqlite', file: options.salesFile };
  if (target.driver === 'sqlite' && fs.existsSync(target.file)) return { seeded: false };
  const started = Date.now();
  const seed = options.seed ?? DEMO.seed;
  const bearer = await token(options.urls.auth, 'admin');
  const rows = demoCustomers({ seed, count: options.customers ?? DEMO.customers, managers: DEMO.managers });
  const { created } = await importCustomers(options.urls.api, bearer, rows, log);
  const customerNos = (await listImported(options.urls.api, bearer, rows)).customers.map((customer) => customer.customerNo);
  const importedMs = Date.now() - started;
  const { written, plan } = await createSalesDatabase(target, salesNames(), {
    seed,
    customerNos,
    orders: options.orders ?? DEMO.orders,
    today: options.today ?? companyToday(),
    onProgress: (count) => log(`sales system: ${count} orders written`),
  });
  if (!written) return { seeded: false };
  return { seeded: true, created, customers: rows, customerNos, plan, written, importedMs, totalMs: Date.now() - started };
}

module.exports = { seedDemo, importCustomers, listImported, companyToday, DEMO };
