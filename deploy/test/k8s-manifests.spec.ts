import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';

/**
 * The Kubernetes manifests must render (kustomize, offline) and be wired the way the processes
 * and a safe release expect: versioned images, a migration Job per release with the only DDL
 * credential, pods that wait for their schema, probes, scrape annotations and a shutdown that
 * fits in the grace period. The base and the production overlay are both checked.
 */
interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  ports?: { name: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string } } }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  readinessProbe?: { httpGet: { path: string; port: string } };
  livenessProbe?: { httpGet: { path: string; port: string } };
  startupProbe?: { httpGet: { path: string; port: string } };
  lifecycle?: { preStop?: { exec?: { command: string[] }; sleep?: { seconds: number } } };
  resources?: { requests?: { cpu?: string; memory?: string }; limits?: { memory?: string } };
}
interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  terminationGracePeriodSeconds?: number;
}
interface Manifest {
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec: {
    replicas?: number;
    strategy?: { rollingUpdate?: { maxUnavailable?: number } };
    template?: { metadata?: { annotations?: Record<string, string> }; spec: PodSpec };
    ports?: { port: number }[];
    backoffLimit?: number;
    activeDeadlineSeconds?: number;
    ttlSecondsAfterFinished?: number;
    scaleTargetRef?: { kind: string; name: string };
    suspend?: boolean;
    jobTemplate?: { spec: { template: { spec: PodSpec } } };
  };
  data?: Record<string, string>;
}

const k8sDir = join(__dirname, '..', 'k8s');
const migrateJs = (app: string) => `dist/apps/${app}/src/database/migrate.js`;
const render = (dir: string) =>
  parseAllDocuments(execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' })).map((doc) => doc.toJSON() as Manifest);
const envOf = (container: Container) => Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value]));
const secretsOf = (container: Container) => [
  ...(container.envFrom ?? []).flatMap((source) => (source.secretRef ? [source.secretRef.name] : [])),
  ...(container.env ?? []).flatMap((e) => (e.valueFrom?.secretKeyRef ? [e.valueFrom.secretKeyRef.name] : [])),
];
const podSpecOf = (m: Manifest) => (m.spec.jobTemplate ? m.spec.jobTemplate.spec.template.spec : m.spec.template!.spec);
const podContainers = (m: Manifest) => [...(podSpecOf(m).initContainers ?? []), ...podSpecOf(m).containers];
const SERVICES = ['marketing', 'customer', 'sales-bridge', 'service-desk', 'reporting'];

/** `repo[:port]/name:tag[@sha256:…]` → its tag (undefined when there is none). */
function tagOf(image: string): string | undefined {
  const [reference] = image.split('@');
  const lastPart = reference.slice(reference.lastIndexOf('/') + 1);
  return lastPart.includes(':') ? lastPart.slice(lastPart.indexOf(':') + 1) : undefined;
}

/** What a preStop hook delays SIGTERM by; only forms whose duration can be read are allowed. */
function preStopMs(container: Container): number {
  const hook = container.lifecycle?.preStop;
  if (!hook) return 0;
  if (hook.sleep) return hook.sleep.seconds * 1000;
  const script = hook.exec?.command.join(' ') ?? '';
  const timeout = /setTimeout\([^,]+,\s*(\d+)\s*\)/.exec(script);
  if (!timeout) throw new Error(`${container.name}: preStop hook of unknown duration: ${script}`);
  return Number(timeout[1]);
}

describe.each([
  ['base', join(k8sDir, 'base')],
  ['production overlay', join(k8sDir, 'overlays', 'production')],
])('Kubernetes manifests: %s', (_label, dir) => {
  const manifests = render(dir);
  const byKind = (kind: string) => manifests.filter((m) => m.kind === kind);
  const deployment = (name: string) => byKind('Deployment').find((d) => d.metadata.name === name)!;
  const config = byKind('ConfigMap').find((c) => c.metadata.name === 'crm-config')!.data!;
  const workloads = [...byKind('Deployment'), ...byKind('Job'), ...byKind('CronJob')];
  /** Deployments with a database of their own: those that get DB_SCHEMA. */
  const withDatabase = byKind('Deployment').filter((d) => envOf(d.spec.template!.spec.containers[0]).DB_SCHEMA);

  it('renders a Deployment, Service, autoscaler and disruption budget for the gateway and every service', () => {
    for (const name of ['gateway', ...SERVICES]) {
      for (const kind of ['Deployment', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget']) {
        expect(byKind(kind).map((m) => m.metadata.name)).toContain(name);
      }
    }
    expect(withDatabase.map((d) => d.metadata.name).sort()).toEqual([...SERVICES].sort());
  });

  it('references every image by a version tag, never :latest or untagged', () => {
    const images = workloads.flatMap(podContainers).map((c) => c.image);
    expect(images).toEqual(
      expect.arrayContaining([...SERVICES, 'gateway'].map((app) => expect.stringContaining(`crm/${app}:`))),
    );
    for (const image of images) {
      expect({ image, tag: tagOf(image) }).toEqual({ image, tag: expect.stringMatching(/^\d+\.\d+\.\d+([-.+][\w.-]+)?$/) });
    }
  });

  it('probes /health/live and /health/ready on the port each process listens on, with a startup probe', () => {
    for (const d of byKind('Deployment')) {
      const [container] = d.spec.template!.spec.containers;
      const port = container.ports!.find((p) => p.name === 'http')!;
      expect(envOf(container).HTTP_PORT).toBe(String(port.containerPort));
      expect(container.readinessProbe!.httpGet).toEqual({ path: '/health/ready', port: 'http' });
      expect(container.livenessProbe!.httpGet).toEqual({ path: '/health/live', port: 'http' });
      expect(container.startupProbe!.httpGet).toEqual({ path: '/health/live', port: 'http' });
    }
  });

  it('lets Prometheus scrape /metrics on the listening port of every pod', () => {
    for (const d of byKind('Deployment')) {
      const port = d.spec.template!.spec.containers[0].ports!.find((p) => p.name === 'http')!.containerPort;
      expect(d.spec.template!.metadata!.annotations).toMatchObject({
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': String(port),
        'prometheus.io/path': '/metrics',
      });
    }
  });

  it('fits the whole shutdown (preStop, drain delay, drain timeout) inside the grace period', () => {
    const drainMs = Number(config.SHUTDOWN_DRAIN_DELAY_MS);
    const timeoutMs = Number(config.SHUTDOWN_TIMEOUT_MS);
    expect(drainMs).toBeGreaterThan(0);
    expect(timeoutMs).toBeGreaterThan(0);
    for (const d of byKind('Deployment')) {
      const [container] = d.spec.template!.spec.containers;
      const neededMs = preStopMs(container) + drainMs + timeoutMs;
      // A margin to close connections, flush logs and exit before the kubelet's SIGKILL.
      expect(d.spec.template!.spec.terminationGracePeriodSeconds! * 1000).toBeGreaterThanOrEqual(neededMs + 5000);
    }
  });

  it('rolls out without taking capacity away and leaves the replica count to the autoscaler', () => {
    const scaled = byKind('HorizontalPodAutoscaler').map((h) => h.spec.scaleTargetRef!.name);
    for (const d of byKind('Deployment')) {
      expect(d.spec.strategy!.rollingUpdate!.maxUnavailable).toBe(0);
      if (scaled.includes(d.metadata.name)) expect(d.spec.replicas).toBeUndefined();
    }
  });

  it('starts a service only after its schema is current: wait-for-schema with the same image and the app credential', () => {
    for (const d of withDatabase) {
      const app = d.metadata.name;
      const [main] = d.spec.template!.spec.containers;
      const wait = (d.spec.template!.spec.initContainers ?? []).find((c) => c.name === 'wait-for-schema');
      expect(wait).toBeDefined();
      expect(wait!.image).toBe(main.image);
      expect([...wait!.command!, ...(wait!.args ?? [])]).toEqual(['node', '-r', './tools/register-paths.js', migrateJs(app), '--wait', '300']);
      expect(secretsOf(wait!)).toEqual([`${app}-db-app`]);
      expect(envOf(wait!).DB_SCHEMA).toBe(envOf(main).DB_SCHEMA);
      // Never at boot: the main container runs the image's default command.
      expect(main.command).toBeUndefined();
    }
  });

  it('migrates in a Job per release: named after the image version, same image, bounded in time', () => {
    const jobs = byKind('Job');
    expect(jobs).toHaveLength(withDatabase.length);
    for (const d of withDatabase) {
      const app = d.metadata.name;
      const image = d.spec.template!.spec.containers[0].image;
      const job = jobs.find((j) => j.metadata.labels?.['app.kubernetes.io/name'] === `${app}-migrate`)!;
      expect(job.metadata.name).toBe(`${app}-migrate-${tagOf(image)}`);
      // A DNS subdomain that still fits the job-name label the controller adds.
      expect(job.metadata.name).toMatch(/^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$/);
      const [container] = job.spec.template!.spec.containers;
      expect(container.image).toBe(image);
      expect(container.command).toEqual(['node', '-r', './tools/register-paths.js', migrateJs(app)]);
      expect(envOf(container).DB_SCHEMA).toBe(envOf(d.spec.template!.spec.containers[0]).DB_SCHEMA);
      expect(job.spec.backoffLimit).toBeGreaterThan(0);
      expect(job.spec.activeDeadlineSeconds).toBeGreaterThan(0);
      expect(job.spec.ttlSecondsAfterFinished).toBeGreaterThan(0);
    }
  });

  it('gives the DDL credential to the migration Job alone', () => {
    for (const job of byKind('Job')) {
      const app = job.metadata.labels!['app.kubernetes.io/name'].replace(/-migrate$/, '');
      expect(podContainers(job).flatMap(secretsOf)).toEqual([`${app}-db-migrator`]);
    }
    for (const d of byKind('Deployment')) {
      for (const secret of podContainers(d).flatMap(secretsOf)) expect(secret).not.toMatch(/migrator/);
    }
  });

  it('takes credentials only from Secrets created outside the repo, each one documented', () => {
    expect(byKind('Secret')).toEqual([]);
    for (const key of Object.keys(config)) expect(key).not.toMatch(/^(DB_URL|AMQP_URL)$|SECRET|PASSWORD|TOKEN/);
    expect(config).toMatchObject({ AUTH_URL: expect.stringMatching(/^https:/), USER_DIRECTORY: 'keycloak' });
    expect(config).not.toHaveProperty('REALM_FILE');

    for (const service of SERVICES) {
      const secrets = secretsOf(deployment(service).spec.template!.spec.containers[0]);
      expect(secrets).toEqual(expect.arrayContaining([`${service}-db-app`, `${service}-amqp`]));
    }
    // The users directory (assignee pickers and checks) needs the identity provider's admin client; reports do not.
    const directoryUsers = byKind('Deployment').filter((d) => secretsOf(d.spec.template!.spec.containers[0]).includes('crm-keycloak-admin'));
    expect(directoryUsers.map((d) => d.metadata.name).sort()).toEqual(['customer', 'gateway', 'marketing', 'sales-bridge', 'service-desk']);
    // The bridge alone reads the sales system, with its read-only login.
    const readers = byKind('Deployment').filter((d) => secretsOf(d.spec.template!.spec.containers[0]).includes('sales-bridge-sales-db'));
    expect(readers.map((d) => d.metadata.name)).toEqual(['sales-bridge']);
    // The gateway: the users directory, and the Redis its replicas share for the rate limit.
    expect(secretsOf(deployment('gateway').spec.template!.spec.containers[0]).sort()).toEqual(['crm-keycloak-admin', 'gateway-redis']);

    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    for (const secret of new Set(workloads.flatMap(podContainers).flatMap(secretsOf))) expect(readme).toContain(`\`${secret}\``);
  });

  it('bounds every Node container’s V8 heap below its memory limit, the young generation included', () => {
    for (const container of workloads.flatMap(podContainers)) {
      const limitMi = Number(/^(\d+)Mi$/.exec(String(container.resources?.limits?.memory))?.[1]);
      const heapMb = Number(/--max-old-space-size=(\d+)/.exec(envOf(container).NODE_OPTIONS ?? '')?.[1]);
      expect({ container: container.name, heapMb, limitMi }).toEqual({ container: container.name, heapMb: expect.any(Number), limitMi: expect.any(Number) });
      expect(heapMb).toBeLessThanOrEqual(limitMi * 0.6);
      // Left to itself V8 grows new space to 128 MB and keeps it: resident memory far above live data.
      expect(envOf(container).NODE_OPTIONS).toContain('--max-semi-space-size=16');
    }
  });

  it('keeps the reports’ rebuild a suspended CronJob an operator triggers, with the application login only', () => {
    const [rebuild] = byKind('CronJob');
    expect(rebuild.metadata.name).toBe('reporting-rebuild');
    expect(rebuild.spec.suspend).toBe(true);
    const [container] = podSpecOf(rebuild).containers;
    expect(container.command).toEqual(['node', '-r', './tools/register-paths.js', 'dist/apps/reporting/src/database/rebuild.js']);
    expect(secretsOf(container)).toEqual(['reporting-db-app']);
    expect(envOf(container).DB_SCHEMA).toBe('reporting');
  });

  it('points the gateway at each service’s Service', () => {
    for (const service of SERVICES) {
      const port = byKind('Service').find((s) => s.metadata.name === service)!.spec.ports![0].port;
      expect(envOf(deployment('gateway').spec.template!.spec.containers[0])[`${service.toUpperCase().replace(/-/g, '_')}_URL`]).toBe(`http://${service}:${port}`);
    }
  });
});

describe('release naming (deploy/k8s/release-naming)', () => {
  it('names the migration Job after an overlay tag, also with a registry port, a dash in the tag and a digest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-overlay-'));
    try {
      const digest = `sha256:${'a'.repeat(64)}`;
      writeFileSync(
        join(dir, 'kustomization.yaml'),
        [
          'resources: [' + relative(dir, join(k8sDir, 'overlays', 'production')) + ']',
          'images:',
          `  - { name: registry.example.com/crm/marketing, newName: "registry.example.com:5000/crm/marketing", newTag: 0.2.0-rc.1, digest: "${digest}" }`,
          'transformers: [' + relative(dir, join(k8sDir, 'release-naming')) + ']',
        ].join('\n'),
      );
      const manifests = render(dir);
      const job = manifests.find((m) => m.kind === 'Job' && m.metadata.labels?.['app.kubernetes.io/name'] === 'marketing-migrate')!;
      expect(job.metadata.name).toBe('marketing-migrate-0.2.0-rc.1');
      // Another service's Job keeps the version its own image has.
      expect(manifests.find((m) => m.kind === 'Job' && m.metadata.labels?.['app.kubernetes.io/name'] === 'customer-migrate')!.metadata.name).toBe(
        'customer-migrate-0.1.0',
      );
      const marketing = manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === 'marketing')!;
      for (const c of [...podContainers(marketing), ...podContainers(job)]) {
        expect(c.image).toBe(`registry.example.com:5000/crm/marketing:0.2.0-rc.1@${digest}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every overlay that sets images re-runs the naming after them', () => {
    const overlay = readFileSync(join(k8sDir, 'overlays', 'production', 'kustomization.yaml'), 'utf8');
    expect(overlay).toMatch(/^transformers:\n\s+- \.\.\/\.\.\/release-naming$/m);
  });
});

/** Docker's .dockerignore semantics: last matching rule wins; a rule matching a parent directory matches its files. */
function dockerignore(text: string): (path: string) => boolean {
  const rules = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const negate = line.startsWith('!');
      const pattern = (negate ? line.slice(1) : line).replace(/\/$/, '');
      const source = pattern
        .split(/(\*\*\/|\*\*|\*)/)
        .map((part) => ({ '**/': '(?:.*/)?', '**': '.*', '*': '[^/]*' })[part] ?? part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('');
      return { negate, regex: new RegExp(`^${source}$`) };
    });
  return (path) => {
    const parts = path.split('/');
    const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    let excluded = false;
    for (const rule of rules) if (prefixes.some((p) => rule.regex.test(p))) excluded = !rule.negate;
    return excluded;
  };
}

describe('production image (deploy/docker/Dockerfile, .dockerignore)', () => {
  const dockerfile = readFileSync(join(__dirname, '..', 'docker', 'Dockerfile'), 'utf8');
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const stages = instructions.reduce<string[][]>((acc, line) => (/^FROM\s/i.test(line) ? [...acc, [line]] : (acc.at(-1)!.push(line), acc)), []);
  const final = stages.at(-1)!;
  const copies = (stage: string[]) =>
    stage.filter((l) => /^COPY\s/i.test(l)).map((l) => l.replace(/^COPY\s+/i, '').split(/\s+/));
  const excluded = dockerignore(readFileSync(join(__dirname, '..', '..', '.dockerignore'), 'utf8'));

  it('keeps the development realm, demo users, identity-dev and tests out of the build context', () => {
    for (const path of [
      'deploy/keycloak/realm-crm.json',
      'apps/identity-dev/src/main.ts',
      'e2e/opportunities.e2e.spec.ts',
      'libs/testing/src/index.ts',
      'apps/marketing/test/opportunities.spec.ts',
      'libs/persistence/src/orm-options.spec.ts',
      '.data/marketing.sqlite',
      'node_modules/zod/package.json',
      'dist/apps/identity-dev/src/main.js',
    ]) {
      expect({ path, excluded: excluded(path) }).toEqual({ path, excluded: true });
    }
  });

  it('copies only what is in the context, and nothing of deploy/ or identity-dev', () => {
    for (const args of copies(stages.flat())) {
      const sources = args.filter((a) => !a.startsWith('--')).slice(0, -1);
      expect(sources.join(' ')).not.toMatch(/deploy\/keycloak|realm|identity-dev/);
      expect(sources).not.toContain('.');
      if (!args.some((a) => a.startsWith('--from'))) {
        for (const source of sources) expect({ source, excluded: excluded(source) }).toEqual({ source, excluded: false });
      }
    }
  });

  it('ships only the one app and the libraries from the build stage', () => {
    const fromBuild = copies(final).filter((args) => args.some((a) => a.startsWith('--from')));
    const sources = fromBuild.flatMap((args) => args.filter((a) => !a.startsWith('--')).slice(0, -1));
    expect(sources.sort()).toEqual(['/src/dist/apps/${APP}', '/src/dist/libs', '/src/node_modules']);
  });

  it('runs as a numeric non-root user, with the Keycloak users directory by default', () => {
    const user = final.filter((l) => /^USER\s/i.test(l)).at(-1);
    expect(user).toMatch(/^USER\s+[1-9]\d*(:[1-9]\d*)?$/);
    expect(final.join('\n')).toMatch(/^ENV .*USER_DIRECTORY=keycloak/m);
  });
});
