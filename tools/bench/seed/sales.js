// Seeds the sales scenario through the running system, as `npm start`'s demo seed does
// (tools/system/demo-seed.js: the customers through the customer service's own import, their
// numbers read back from the list, then the sales system's SQLite file written by the generator
// for exactly those numbers), with the demo seed's own pieces, each timed, keeping each customer's
// id (the order history is asked for by customer id).
require('../../register-paths');
const { createSalesDatabase, demoCustomers, salesNames } = require('@crm/sales-system');
const { companyToday, DEMO, importCustomers, listImported } = require('../../system/demo-seed');

/** The demo seed's pieces, each timed. */
async function timed(work) {
  const started = performance.now();
  const result = await work();
  return { ...result, seconds: (performance.now() - started) / 1000 };
}

/**
 * The whole seed: customers (import, then read back), then the sales system's SQLite file at
 * `salesFile` (written under a temporary name and renamed when complete, so the bridge sees it
 * only whole). Resolves with each piece's figures, the customers ({id, customerNo}) and the plan.
 */
async function seedSales({ api, salesFile, customers, orders, seed, log = console.log }) {
  const rows = demoCustomers({ seed, count: customers, managers: DEMO.managers });
  const bearer = await api.tokens.token('admin');
  const imported = await timed(() => importCustomers(api.baseUrl, bearer, rows, (line) => log(`  sales seed: ${line}`)));
  const listed = await timed(() => listImported(api.baseUrl, bearer, rows));
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

module.exports = { seedSales };
