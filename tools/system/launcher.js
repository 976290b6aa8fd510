// Starts the whole CRM as separate processes from dist/: the development identity provider, each
// service (after its migration step) and the gateway. Used by `npm start` and by the end-to-end
// tests, so the tests exercise exactly what a developer runs.
const { spawn } = require('node:child_process');
const net = require('node:net');
const path = require('node:path');
const fs = require('node:fs');

const ROOT = path.join(__dirname, '..', '..');
const REGISTER = path.join(ROOT, 'tools', 'register-paths.js');
/**
 * The V8 limits the Kubernetes manifests give the services' containers. Without them V8 sizes its
 * heap from this machine's memory: the young generation grew to 128 MB and stayed (a process
 * idled at ~190 MB resident with 54 MB live), and old space was left to grow to hundreds of MB
 * under load before a full collection. 16 MB semi-spaces and a 256 MB old space keep both near
 * what is live, at a small cost in collections.
 */
const V8_FLAGS = ['--max-semi-space-size=16', '--max-old-space-size=256'];

/**
 * The services, in start order; a new service adds one line here and its URL to the gateway.
 * `copies: true` marks a service that keeps copies of other services' data from their events: it
 * starts, and its consumer queue is bound, before the services that publish those events, so a
 * first start's events (the customer service's dictionary seed) reach every copy. Later starts
 * find the durable queues in place.
 */
const SERVICES = [
  { name: 'marketing', port: 3101, migrate: true },
  // The company's sales system, read only; on the embedded default a SQLite file the demo seed writes.
  { name: 'sales-bridge', port: 3103, migrate: true, copies: true, env: (dataDir) => ({ SALES_DB_NAME: path.join(dataDir, 'sales-system.sqlite') }) },
  { name: 'service-desk', port: 3104, migrate: true, copies: true },
  // Read models built from every other service's events (requirements §4).
  { name: 'reporting', port: 3105, migrate: true, copies: true },
  { name: 'customer', port: 3102, migrate: true },
];

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Resolves whether a TCP connection to the AMQP URL's host and port can be opened. */
function brokerReachable(amqpUrl, timeoutMs = 2000) {
  const url = new URL(amqpUrl);
  return new Promise((resolve) => {
    const socket = net.connect({ host: url.hostname, port: Number(url.port || 5672) });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function run(name, script, env, log) {
  const child = spawn(process.execPath, [...V8_FLAGS, '-r', REGISTER, path.join(ROOT, 'dist', script)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail = [];
  const onLine = (line) => {
    tail.push(line);
    if (tail.length > 40) tail.shift();
    log(name, line);
  };
  for (const stream of [child.stdout, child.stderr]) {
    let buffer = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop();
      lines.filter(Boolean).forEach(onLine);
    });
  }
  child.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  child.tail = tail;
  child.label = name;
  return child;
}

async function runToCompletion(name, script, env, log) {
  const child = run(name, script, env, log);
  const { code } = await child.exited;
  if (code !== 0) throw new Error(`${name} exited with ${code}:\n${child.tail.join('\n')}`);
}

/** Resolves once `url` answers ready (and, with `consuming`, its event consumer is bound and consuming). */
async function waitReady(child, url, timeoutMs = 60000, { consuming = false } = {}) {
  const deadline = Date.now() + timeoutMs;
  let exited = null;
  child.exited.then((result) => (exited = result));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${child.label} exited (${JSON.stringify(exited)}) before it was ready:\n${child.tail.join('\n')}`);
    try {
      const response = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(1000) });
      if (response.ok && (!consuming || (await response.json()).info?.consumer?.state === 'consuming')) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`${child.label} not ready within ${timeoutMs} ms:\n${child.tail.join('\n')}`);
}

async function stopChild(child, timeoutMs = 15000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await child.exited;
  clearTimeout(timer);
}

/**
 * options: { dataDir, amqpUrl, exchange, ports?: {gateway, identity, <service>}, randomPorts?,
 *            env?: extra env for every process, serviceEnv?: env for the domain services (e.g. a
 *            shared PostgreSQL for several replicas), serviceEnvOf?: {<service>: env} (one service's own,
 *            e.g. its PostgreSQL schema: services never share one), replicas?: {<service>: n} (the gateway gets
 *            every replica's URL), log?: (process, line) => void }
 */
async function startSystem(options) {
  const log = options.log ?? (() => undefined);
  const dataDir = path.resolve(options.dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  const port = async (name, fallback) => options.ports?.[name] ?? (options.randomPorts ? await freePort() : fallback);
  const identityPort = await port('identity', 8080);
  const gatewayPort = await port('gateway', 3000);
  const authUrl = `http://localhost:${identityPort}`;
  const realmFile = path.join(ROOT, 'deploy', 'keycloak', 'realm-crm.json');
  const common = {
    AMQP_URL: options.amqpUrl,
    EVENTS_EXCHANGE: options.exchange ?? 'crm.events',
    AUTH_URL: authUrl,
    REALM_FILE: realmFile,
    USER_DIRECTORY: 'realm-file',
    HTTP_HOST: '127.0.0.1',
    ...options.env,
  };
  const children = [];
  const system = {
    urls: { gateway: `http://localhost:${gatewayPort}`, api: `http://localhost:${gatewayPort}/api/v1`, auth: authUrl },
    /** Where the SQLite files live, the stand-in sales system's (sales-system.sqlite) among them. */
    dataDir,
    services: {},
    /** Every replica of each service: {name, url, process, env, script}. */
    replicas: {},
    children,
    /** Stops one replica gracefully (SIGTERM) and starts it again on the same port; resolves when it is ready. */
    async restartReplica(serviceName, index) {
      const replica = system.replicas[serviceName][index];
      await stopChild(replica.process, 60000);
      children.splice(children.indexOf(replica.process), 1);
      replica.process = run(replica.name, replica.script, replica.env, log);
      children.push(replica.process);
      await waitReady(replica.process, replica.url);
    },
    async stop() {
      for (const child of [...children].reverse()) await stopChild(child);
    },
  };
  try {
    const identity = run('identity', 'apps/identity-dev/src/main.js', { ...common, HTTP_PORT: String(identityPort), PUBLIC_URL: authUrl }, log);
    children.push(identity);
    await waitReady(identity, `http://127.0.0.1:${identityPort}`);

    const serviceUrls = {};
    for (const service of SERVICES) {
      const count = options.replicas?.[service.name] ?? 1;
      const env = { ...common, DB_DRIVER: 'sqlite', ...service.env?.(dataDir), ...options.serviceEnv, ...options.serviceEnvOf?.[service.name] };
      if (env.DB_DRIVER === 'sqlite') env.DB_NAME ??= path.join(dataDir, `${service.name}.sqlite`);
      if (service.migrate) await runToCompletion(`${service.name}-migrate`, `apps/${service.name}/src/database/migrate.js`, env, log);
      const replicas = [];
      for (let index = 0; index < count; index++) {
        const servicePort = index === 0 ? await port(service.name, service.port) : await freePort();
        const replica = { name: count > 1 ? `${service.name}#${index + 1}` : service.name, script: `apps/${service.name}/src/main.js`, env: { ...env, HTTP_PORT: String(servicePort) }, url: `http://127.0.0.1:${servicePort}` };
        replica.process = run(replica.name, replica.script, replica.env, log);
        children.push(replica.process);
        replicas.push(replica);
      }
      if (service.copies) await Promise.all(replicas.map((replica) => waitReady(replica.process, replica.url, 60000, { consuming: true })));
      system.replicas[service.name] = replicas;
      serviceUrls[service.name] = replicas.map((replica) => replica.url).join(',');
      system.services[service.name] = { url: replicas[0].url, process: replicas[0].process };
    }
    await Promise.all(Object.values(system.replicas).flat().map((replica) => waitReady(replica.process, replica.url)));

    const gatewayEnv = { ...common, HTTP_PORT: String(gatewayPort), PUBLIC_URL: system.urls.gateway };
    for (const [name, url] of Object.entries(serviceUrls)) gatewayEnv[`${name.toUpperCase().replace(/-/g, '_')}_URL`] = url;
    const gateway = run('gateway', 'apps/gateway/src/main.js', gatewayEnv, log);
    children.push(gateway);
    await waitReady(gateway, `http://127.0.0.1:${gatewayPort}`);
    system.services.gateway = { url: system.urls.gateway, process: gateway };
    system.services.identity = { url: authUrl, process: identity };
    return system;
  } catch (error) {
    await system.stop();
    throw error;
  }
}

module.exports = { startSystem, brokerReachable, freePort, SERVICES, ROOT };
