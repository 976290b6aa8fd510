import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/**
 * The Kubernetes base must render (kustomize, offline) and be wired the way the processes
 * expect: probes on the health endpoints of the port the process listens on, migrations as a
 * Job rather than at boot, secrets only by reference, the gateway pointing at the services.
 */
interface Container {
  name: string;
  command?: string[];
  ports?: { name: string; containerPort: number }[];
  env?: { name: string; value?: string }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  readinessProbe?: { httpGet: { path: string; port: string } };
  livenessProbe?: { httpGet: { path: string; port: string } };
}
interface Manifest {
  kind: string;
  metadata: { name: string };
  spec: { template?: { spec: { containers: Container[]; terminationGracePeriodSeconds?: number } }; ports?: { port: number }[] };
  data?: Record<string, string>;
}

const rendered = execFileSync('kubectl', ['kustomize', join(__dirname, '..', 'k8s', 'base')], { encoding: 'utf8' });
const manifests = parseAllDocuments(rendered).map((doc) => doc.toJSON() as Manifest);
const byKind = (kind: string) => manifests.filter((m) => m.kind === kind);
const envOf = (container: Container) => Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value]));

describe('Kubernetes base (deploy/k8s/base)', () => {
  it('renders a Deployment, Service and autoscaler for the gateway and every service', () => {
    for (const name of ['gateway', 'marketing']) {
      for (const kind of ['Deployment', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget']) {
        expect(byKind(kind).map((m) => m.metadata.name)).toContain(name);
      }
    }
  });

  it('probes /health/live and /health/ready on the port each process listens on', () => {
    for (const deployment of byKind('Deployment')) {
      const [container] = deployment.spec.template!.spec.containers;
      const port = container.ports!.find((p) => p.name === 'http')!;
      expect(envOf(container).HTTP_PORT).toBe(String(port.containerPort));
      expect(container.readinessProbe!.httpGet).toEqual({ path: '/health/ready', port: 'http' });
      expect(container.livenessProbe!.httpGet).toEqual({ path: '/health/live', port: 'http' });
      // Room for SHUTDOWN_TIMEOUT_MS (drain consumers and the relay) before the kill.
      const shutdownMs = Number(byKind('ConfigMap')[0].data!.SHUTDOWN_TIMEOUT_MS);
      expect(deployment.spec.template!.spec.terminationGracePeriodSeconds! * 1000).toBeGreaterThan(shutdownMs);
    }
  });

  it('migrates in a Job with the service image, never at boot', () => {
    const [job] = byKind('Job');
    const [container] = job.spec.template!.spec.containers;
    expect(container.command).toEqual(['node', '-r', './tools/register-paths.js', 'dist/apps/marketing/src/database/migrate.js']);
    const [deployment] = byKind('Deployment').filter((d) => d.metadata.name === 'marketing');
    expect(deployment.spec.template!.spec.containers[0].command).toBeUndefined();
  });

  it('takes secrets only from a Secret reference, and points the gateway at the marketing Service', () => {
    const config = byKind('ConfigMap')[0].data!;
    for (const secret of ['DB_URL', 'AMQP_URL', 'KEYCLOAK_ADMIN_CLIENT_SECRET']) expect(config).not.toHaveProperty(secret);
    for (const deployment of byKind('Deployment')) {
      expect(deployment.spec.template!.spec.containers[0].envFrom).toContainEqual({ secretRef: { name: 'crm-secrets' } });
    }
    const gateway = byKind('Deployment').find((d) => d.metadata.name === 'gateway')!;
    const marketingPort = byKind('Service').find((s) => s.metadata.name === 'marketing')!.spec.ports![0].port;
    expect(envOf(gateway.spec.template!.spec.containers[0]).MARKETING_URL).toBe(`http://marketing:${marketingPort}`);
  });
});
