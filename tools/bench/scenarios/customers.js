// Customers at volume, through the gateway: the list (default page, a deep page, each filter,
// a combination), get-one, create, edit with If-Match, and how long a successful opportunity
// takes to become a customer one can find. The customer database is seeded before the services
// start (seed/customers.js), so the migrate step finds nothing to do.
const { statSync } = require('node:fs');
const path = require('node:path');
const { Api, measure, sampleRow } = require('../harness');
const { seedCustomers, prng } = require('../seed/customers');

const POLL_MS = 10;
const VISIBLE_TIMEOUT_MS = 30_000;
const LOAD_CONCURRENCY = 10;

const route = (base, query) => {
  const search = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined)).toString();
  return search ? `${base}?${search}` : base;
};

const IMPORT_ROWS = 10_000;
const IMPORT_HEADER = '客户名称 / Name,地区 / Region,客户经理 / Manager,客户等级 / Level,客户满意度,客户信用度,地址,邮政编码,电话,法人,开户银行,银行帐号,地税登记号,国税登记号,营业执照注册号';

/**
 * 导入: a generated 10,000-row CSV of new customers uploaded through the gateway as a supervisor,
 * polled to its end. Prints rows per second from upload to completed (validation of every row,
 * then one transaction writing the customers and their events), and the job's own figures.
 */
async function importRate({ api, seed, runTag }) {
  const regions = seed.regions;
  const levels = seed.levels;
  const lines = Array.from({ length: IMPORT_ROWS }, (_, i) =>
    [`导入客户 ${runTag}-${i}`, regions[i % regions.length], 'manager1', levels[i % levels.length], 1 + (i % 5), 1 + ((i + 2) % 5), '上海市浦东新区', '200120', '021-5555 0101', '王总', '工商银行', `6222${i}`, `L-${i}`, `N-${i}`, `IMP-${runTag}-${i}`].join(','),
  );
  const csv = [IMPORT_HEADER, ...lines].join('\n');
  const started = performance.now();
  const response = await fetch(`${api.baseUrl}/customers/imports?fileName=bench.csv`, {
    method: 'POST',
    headers: await api.tokens.headers('supervisor', { 'content-type': 'text/csv' }),
    body: csv,
  });
  let job = await response.json();
  if (response.status !== 202 && response.status !== 200) throw new Error(`import → ${response.status} ${JSON.stringify(job).slice(0, 300)}`);
  while (!job.finished) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    job = (await api.expect(200, 'supervisor', 'GET', `/customers/imports/${job.id}`)).body;
  }
  const seconds = (performance.now() - started) / 1000;
  if (job.status !== 'completed' || job.counts.created !== IMPORT_ROWS) throw new Error(`import ended ${job.status}: ${JSON.stringify(job.counts)}`);
  const ownSeconds = (Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000;
  console.log(
    `import: ${IMPORT_ROWS} rows (${(Buffer.byteLength(csv) / 1024).toFixed(0)} KiB csv) in ${seconds.toFixed(2)} s = ${(IMPORT_ROWS / seconds).toFixed(0)} rows/s ` +
      `from upload to completed (the job itself: ${ownSeconds.toFixed(2)} s = ${(IMPORT_ROWS / ownSeconds).toFixed(0)} rows/s)`,
  );
  return [{ operation: `import ${IMPORT_ROWS} rows (csv, upload → completed)`, count: 1, rps: IMPORT_ROWS / seconds, p50: seconds * 1000, p95: NaN, p99: NaN, max: seconds * 1000, failures: 0 }];
}

/** The list queries measured, each a function of a per-request PRNG so requests vary within the filter. */
function listQueries(seed) {
  const visible = seed.customers.filter((c) => c.status !== 'deleted');
  const months = [...new Set(seed.days.map((day) => day.slice(0, 6)))];
  return [
    ['GET /customers (default page, 20)', () => ({})],
    ['GET /customers?page=50', () => ({ page: 50 })],
    ['  ?customerNo= exact', (r) => ({ customerNo: r.pick(visible).customerNo })],
    ['  ?customerNo= prefix (a month)', (r) => ({ customerNo: `KH${r.pick(months)}` })],
    ['  ?name= contains (a city, ~3 %)', (r) => ({ name: r.pick(seed.cities) })],
    ['  ?name= contains (a whole name)', (r) => ({ name: r.pick(visible).name })],
    ['  ?region=', (r) => ({ region: r.pick(seed.regions) })],
    ['  ?level=', (r) => ({ level: r.pick(seed.levels) })],
    ['  ?managerId= (manager1)', () => ({ managerId: seed.managers.manager1.id })],
    ['  ?status=churned', () => ({ status: 'churned' })],
    ['  ?region= & level=', (r) => ({ region: r.pick(seed.regions), level: r.pick(seed.levels) })],
  ];
}

/** A complete customer as a manager enters it (e2e customers.e2e.spec.ts `complete()`). */
const completeCustomer = (tag) => ({
  name: `基准客户 ${tag}`,
  region: '华东',
  level: '大客户',
  satisfaction: 4,
  credit: 5,
  address: '上海市浦东新区张江路 1 号',
  zip: '200120',
  phone: '021-5555 0101',
  legalPerson: '王总',
  bank: '工商银行',
  bankAccount: '6222 0000 1111',
  localTaxNo: 'L-310000',
  nationalTaxNo: 'N-310000',
  licenceNo: `LIC-${tag}`,
  registeredCapital: 500,
});

/**
 * 开发成功 → customer: for each of `count` opportunities (created by manager1, assigned to them by
 * the supervisor, succeeded by manager1), the time from the succeed response until
 * `GET /customers?name=<its unique name>` first lists it, polled every 10 ms. The figure includes
 * up to one poll's own duration (the list query with a `name` filter).
 */
async function succeedToVisible(api, manager1Id, count, runTag) {
  const samples = [];
  let failures = 0;
  let firstFailure;
  for (let i = 0; i < count; i++) {
    const name = `成功转客户 ${runTag}-${i}`;
    try {
      const created = await api.expect(201, 'manager1', 'POST', '/opportunities', {
        customerName: name,
        successRate: 80,
        summary: 'bench',
        description: 'succeed → customer',
        contact: '李工',
        contactPhone: '138 0000 0000',
      });
      await api.expect(200, 'supervisor', 'POST', `/opportunities/${created.body.id}/assign`, { assigneeId: manager1Id });
      await api.expect(200, 'manager1', 'POST', `/opportunities/${created.body.id}/succeed`);
      const t0 = performance.now();
      for (;;) {
        const page = await api.expect(200, 'supervisor', 'GET', route('/customers', { name, pageSize: 1 }));
        if (page.body.total > 0) break;
        if (performance.now() - t0 > VISIBLE_TIMEOUT_MS) throw new Error(`${name} not listed within ${VISIBLE_TIMEOUT_MS / 1000} s`);
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      samples.push(performance.now() - t0);
    } catch (error) {
      failures++;
      firstFailure ??= error.message;
    }
  }
  return sampleRow(`opportunity succeed → customer listed (${count}, one at a time)`, samples, failures, firstFailure);
}

module.exports = {
  name: 'customers',
  // The bars are per-request latencies: measured one request at a time, so queueing in a busy
  // process does not hide the query's own cost (saturation is a separate measurement).
  defaults: { requests: 200, concurrency: 1 },

  /** Before the system starts: the seeded customer database the launcher should use. */
  async prepare({ dataDir, options }) {
    const file = path.join(dataDir, 'customer.sqlite');
    const seed = await seedCustomers({ file, count: options.customers, seed: options.seed, log: (line) => console.log(line) });
    return { seed, serviceEnvOf: { customer: { DB_NAME: file } } };
  },

  async run({ system, api, tokens, requests, concurrency, concurrencyGiven, options }, { seed }) {
    const rand = prng(options.seed + 1);
    const rows = [];
    const notes = [];
    const runTag = `${process.pid}-${Date.now().toString(36)}`;
    const queries = listQueries(seed);
    const list = (query) => api.expect(200, 'supervisor', 'GET', route('/customers', query));

    // Warm-up: JIT, connection pools and the file's pages in the OS cache.
    for (let i = 0; i < 3; i++) for (const [, query] of queries) await list(query(rand));

    for (const [operation, query] of queries) {
      rows.push(await measure(operation, { total: requests, concurrency, request: () => list(query(rand)) }));
    }
    // The same default page straight to the customer service (same token): the gateway's share.
    const direct = new Api(`${system.services.customer.url}/api/v1`, tokens);
    rows.push(await measure('GET /customers (default page), direct to the service', { total: requests, concurrency, request: () => direct.expect(200, 'supervisor', 'GET', '/customers') }));
    if (!concurrencyGiven) {
      rows.push(await measure(`GET /customers (default page), ${LOAD_CONCURRENCY} concurrent`, { total: requests, concurrency: LOAD_CONCURRENCY, request: () => list({}) }));
    }

    const readable = seed.customers.filter((c) => c.status !== 'deleted');
    rows.push(await measure('GET /customers/{id} (manager1)', { total: requests, concurrency, request: () => api.expect(200, 'manager1', 'GET', `/customers/${rand.pick(readable).id}`) }));
    rows.push(
      await measure('POST /customers (manager1)', {
        total: requests,
        concurrency,
        request: (i) => api.expect(201, 'manager1', 'POST', '/customers', completeCustomer(`${runTag}-${i}`)),
      }),
    );
    // Each edit on a different seeded customer of manager1's at version 1, so none meets a 412.
    const editable = seed.customers.filter((c) => c.status === 'normal' && c.complete && c.managerId === seed.managers.manager1.id);
    const edits = Array.from({ length: Math.min(requests, editable.length) }, (_, i) => editable[i]);
    rows.push(
      await measure('PATCH /customers/{id} If-Match (manager1)', {
        total: edits.length,
        concurrency,
        request: (i) => api.expect(200, 'manager1', 'PATCH', `/customers/${edits[i].id}`, { satisfaction: 1 + (i % 5), phone: `021-6000 ${String(i).padStart(4, '0')}` }, { 'if-match': '"1"' }),
      }),
    );
    rows.push(...(await importRate({ api, seed, runTag })));
    rows.push(await succeedToVisible(api, seed.managers.manager1.id, options.succeed, runTag));

    const listed = (await list({ pageSize: 1 })).body.total;
    const deleted = (await list({ pageSize: 1, status: 'deleted' })).body.total;
    const size = (suffix) => {
      try {
        return statSync(seed.file + suffix).size;
      } catch {
        return 0;
      }
    };
    const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
    notes.push(`customers: ${listed} listed (normal + churned) + ${deleted} deleted = ${listed + deleted}; seeded ${seed.customers.length} with ${seed.totals.contacts} contacts in ${seed.seconds.toFixed(1)} s`);
    notes.push(`database: ${seed.file}: ${mib(size(''))} (+ WAL ${mib(size('-wal'))})`);
    return {
      title: `customers at ${seed.customers.length.toLocaleString('en')} (through the gateway; ${requests} requests per operation, ${concurrency} at a time unless stated; lists as supervisor)`,
      rows,
      notes,
    };
  },
};
