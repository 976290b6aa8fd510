// `npm start`: the whole CRM on its embedded default (SQLite files under .data/, RabbitMQ on
// localhost, the development identity provider), each part its own process; Ctrl-C stops all.
const path = require('node:path');
const { startSystem, brokerReachable, ROOT } = require('./launcher');
const { seedDemo } = require('./demo-seed');

const COLORS = { identity: 35, marketing: 36, customer: 34, 'sales-bridge': 33, 'service-desk': 31, reporting: 93, gateway: 32 };
const amqpUrl = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

function log(name, line) {
  const color = COLORS[name.replace(/-migrate$/, '')] ?? 33;
  let text = line;
  try {
    const entry = JSON.parse(line);
    text = `${entry.level ?? ''} ${entry.context ? `[${entry.context}] ` : ''}${entry.msg ?? entry.message ?? line}`;
  } catch {
    // not JSON: print as it is
  }
  process.stdout.write(`\x1b[${color}m${name.padEnd(18)}\x1b[0m ${text}\n`);
}

async function main() {
  if (!(await brokerReachable(amqpUrl))) {
    const { hostname, port } = new URL(amqpUrl);
    console.error(
      `RabbitMQ is not reachable at ${hostname}:${port || 5672}.\n` +
        `Start one, e.g. 'rabbitmq-server -detached' (Debian package rabbitmq-server) or\n` +
        `'docker run -d -p 5672:5672 rabbitmq:3.13-alpine', or point AMQP_URL at yours, then run 'npm start' again.`,
    );
    process.exit(1);
  }
  const dataDir = path.join(ROOT, '.data');
  const system = await startSystem({ dataDir, amqpUrl, log });
  let stopping = false;
  const stop = async (signal) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping all processes…`);
    await system.stop();
    console.log('stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  for (const child of system.children) {
    child.exited.then(({ code, signal }) => {
      if (!stopping) {
        console.error(`${child.label} exited unexpectedly (${code ?? signal}); stopping the rest.`);
        stop('exit');
      }
    });
  }
  // The first start makes the demo data (customers through the customer service, a sales-system
  // database for them); later starts find it and skip this.
  try {
    const demo = await seedDemo({ urls: system.urls, salesFile: path.join(dataDir, 'sales-system.sqlite'), log: (line) => log('demo-seed', line) });
    if (demo.seeded) {
      log('demo-seed', `${demo.created} demo customers for manager1 and manager2, ${demo.written?.orders ?? 0} orders in the sales system (${demo.plan.stale.length} customers last ordered over six months ago, ${demo.plan.neverOrdered.length} never)`);
    }
  } catch (error) {
    // The system runs without demo data; the next start tries again.
    log('demo-seed', `the demo data could not be made: ${error.message}`);
  }
  console.log(`
CRM is running.
  API          ${system.urls.api}          (Authorization: Bearer <token>)
  API docs     ${system.urls.gateway}/api/docs
  Identity     ${system.urls.auth}/realms/crm   (development identity provider, Keycloak paths)
  Data         ${dataDir}  (one SQLite file per service; sales-system.sqlite stands in for the company's sales system)
  RabbitMQ     ${amqpUrl.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@')}, exchange crm.events

Demo users (password = user name): admin (admin), supervisor (supervisor),
  manager1 and manager2 (manager), executive (executive).
Demo data: 60 customers of manager1 and manager2 with order history from the sales system;
  an admin's POST /api/v1/churn-records/scan (or Saturday 02:00) warns about the inactive ones.
Get a token:
  curl -s -d grant_type=password -d client_id=crm-cli -d username=supervisor -d password=supervisor \\
    ${system.urls.auth}/realms/crm/protocol/openid-connect/token

Ctrl-C stops everything.
`);
}

main().catch((error) => {
  console.error(error.message ?? error);
  process.exit(1);
});
