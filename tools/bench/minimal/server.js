// The reference the benchmark compares the gateway and marketing against: the least code that
// answers a supervisor's `GET /opportunities?pageSize=20` — plain Fastify and better-sqlite3 on
// marketing's own SQLite file, the two statements marketing's list runs (MikroORM's findAndCount
// with NEWEST_FIRST, copied from its query log), the same JSON shape. No token check, no
// validation, no ORM: what is left is HTTP, SQLite and JSON, so "gateway / minimal" is the share
// of the machine's best the whole stack delivers.
//   node tools/bench/minimal/server.js --file <marketing.sqlite> --port <port>
// Prints `listening <url>` once it accepts requests; stops on SIGTERM.
const Database = require('better-sqlite3');
const fastify = require('fastify');

function option(name) {
  const index = process.argv.indexOf(`--${name}`);
  if (index < 0 || process.argv[index + 1] === undefined) throw new Error(`--${name} is required`);
  return process.argv[index + 1];
}

// Read-only: marketing owns the file (and writes to it during the same run); WAL lets both read.
const db = new Database(option('file'), { readonly: true, fileMustExist: true });

/**
 * The list's two statements. `NOT INDEXED` is the same query with SQLite told to use no index at
 * all (the table is scanned and sorted, the count reads every row): what the migrations' indexes buy.
 */
function listStatements(from) {
  return {
    page: db.prepare(`select o0.* from ${from} order by o0.created_at desc, o0.id desc limit ? offset ?`),
    count: db.prepare(`select count(*) as count from ${from}`),
  };
}
const statements = { indexed: listStatements('opportunity as o0'), notIndexed: listStatements('opportunity as o0 not indexed') };

const iso = (ms) => (ms === null ? null : new Date(ms).toISOString());

/** A row as marketing's OpportunityResponse shows it (dates are stored as epoch milliseconds). */
function toResponse(row) {
  return {
    id: row.id,
    source: row.source,
    customerName: row.customer_name,
    successRate: row.success_rate,
    summary: row.summary,
    contact: row.contact,
    contactPhone: row.contact_phone,
    description: row.description,
    status: row.status,
    createdBy: { id: row.created_by_id, name: row.created_by_name },
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    assignee: row.assignee_id ? { id: row.assignee_id, name: row.assignee_name ?? '' } : null,
    assignedAt: iso(row.assigned_at),
    decidedAt: iso(row.decided_at),
  };
}

function list({ page, count }, query) {
  const pageNo = Math.max(1, Number.parseInt(query.page ?? '1', 10) || 1);
  const pageSize = Math.min(100, Math.max(1, Number.parseInt(query.pageSize ?? '20', 10) || 20));
  const items = page.all(pageSize, (pageNo - 1) * pageSize).map(toResponse);
  return { items, total: count.get().count, page: pageNo, pageSize };
}

const app = fastify({ logger: false });
app.get('/opportunities', async (request) => list(statements.indexed, request.query));
app.get('/opportunities-not-indexed', async (request) => list(statements.notIndexed, request.query));

app.listen({ host: '127.0.0.1', port: Number(option('port')) }).then(
  (url) => console.log(`listening ${url}`),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);

process.once('SIGTERM', () => {
  app.close().finally(() => {
    db.close();
    process.exit(0);
  });
});
