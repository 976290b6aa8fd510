import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MESSAGING_METRIC_NAMES, MessagingMetrics, type MessagingOptions } from '@crm/messaging';
import { HTTP_METRIC_NAMES, HttpMetrics, MetricsRegistry } from '@crm/observability';

/**
 * The dashboard must query what the processes actually expose: a renamed metric or label would
 * otherwise leave a panel silently empty. The names and labels come from the real metric objects.
 */
interface Target {
  expr: string;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { uid: string };
  targets?: Target[];
}
interface Dashboard {
  schemaVersion: number;
  templating: { list: { name: string; type: string; query: unknown }[] };
  panels: Panel[];
}

const dashboard = JSON.parse(readFileSync(join(__dirname, '..', 'grafana', 'crm-dashboard.json'), 'utf8')) as Dashboard;

function registeredMetrics(): Map<string, Set<string>> {
  const metrics = new MetricsRegistry('dashboard-check');
  new HttpMetrics(metrics);
  // Only constructed to read its metric definitions: nothing is collected, so neither the ORM
  // nor the broker is touched.
  const options = { service: 'check', amqpUrl: 'amqp://127.0.0.1:1', exchange: 'x', consumes: true } as MessagingOptions;
  new MessagingMetrics(null as never, options, metrics);
  const labels = new Map<string, Set<string>>();
  for (const metric of metrics.registry.getMetricsAsArray() as unknown as { name: string; type: string; labelNames?: string[] }[]) {
    const names = new Set(['service', ...(metric.labelNames ?? [])]);
    labels.set(metric.name, names);
    if (metric.type === 'histogram') {
      labels.set(`${metric.name}_bucket`, new Set([...names, 'le']));
      for (const suffix of ['_sum', '_count']) labels.set(`${metric.name}${suffix}`, names);
    }
  }
  return labels;
}

const PROMQL_WORDS = new Set(['sum', 'max', 'min', 'avg', 'count', 'by', 'without', 'rate', 'increase', 'irate', 'histogram_quantile', 'le']);
const targets = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })));

/** The expression without its string literals and range selectors, so names are all that is left. */
const stripped = (expr: string) => expr.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/\[[^\]]*\]/g, '');
const metricsIn = (expr: string) => [...stripped(expr).matchAll(/\b([a-z_][a-z0-9_]*)\s*\{/g)].map((m) => m[1]);

describe('Grafana dashboard deploy/grafana/crm-dashboard.json', () => {
  const registered = registeredMetrics();

  it('queries only metrics the code registers, with labels they carry', () => {
    expect(targets.length).toBeGreaterThan(10);
    const problems: string[] = [];
    for (const { panel, expr } of targets) {
      const withoutStrings = stripped(expr);
      const used = metricsIn(expr);
      expect(used.length).toBeGreaterThan(0);
      const allowed = new Set<string>();
      for (const name of used) {
        const labels = registered.get(name);
        if (!labels) problems.push(`${panel}: unknown metric ${name}`);
        for (const label of labels ?? []) allowed.add(label);
      }
      const selectorLabels = [...withoutStrings.matchAll(/[{,]\s*([a-z_]+)\s*(?:=~|!~|!=|=)/g)].map((m) => m[1]);
      const groupingLabels = [...withoutStrings.matchAll(/\bby\s*\(([^)]*)\)/g)].flatMap((m) => m[1].split(',').map((l) => l.trim()));
      for (const label of [...selectorLabels, ...groupingLabels]) {
        if (!allowed.has(label)) problems.push(`${panel}: label ${label} is not on ${used.join(', ')}`);
      }
      const bare = [...withoutStrings.matchAll(/\b([a-z_][a-z0-9_]*)\b/g)].map((m) => m[1]).filter((w) => !PROMQL_WORDS.has(w));
      for (const word of bare) if (!registered.has(word) && !allowed.has(word)) problems.push(`${panel}: unexpected ${word}`);
    }
    expect(problems).toEqual([]);
  });

  it('shows every HTTP and messaging metric somewhere', () => {
    const used = new Set(targets.flatMap(({ expr }) => metricsIn(expr)).map((name) => name.replace(/_(bucket|sum|count)$/, '')));
    for (const name of [...Object.values(HTTP_METRIC_NAMES), ...Object.values(MESSAGING_METRIC_NAMES)]) expect(used).toContain(name);
  });

  it('takes its data source and services from variables, and every panel uses them', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(39);
    const variables = Object.fromEntries(dashboard.templating.list.map((v) => [v.name, v]));
    expect(variables.datasource).toMatchObject({ type: 'datasource', query: 'prometheus' });
    expect(JSON.stringify(variables.service.query)).toContain('label_values(http_server_requests_total, service)');
    for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
      expect(panel.datasource?.uid).toBe('${datasource}');
      for (const { expr } of panel.targets ?? []) expect(expr).toContain('service=~"$service"');
    }
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
