import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * The one prom-client registry of a process, served at GET /metrics. A registry of its own rather
 * than prom-client's global one, so that several apps in one test process never share series.
 * Every series carries `service`, so dashboards can tell processes apart without relabelling.
 */
export class MetricsRegistry {
  readonly registry = new Registry();

  constructor(
    readonly service: string,
    { defaultMetrics = true }: { defaultMetrics?: boolean } = {},
  ) {
    this.registry.setDefaultLabels({ service });
    // CPU, memory, event-loop lag, GC, handles: the first questions about any slow process.
    if (defaultMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** `text/plain; version=0.0.4; charset=utf-8`, the Prometheus text format. */
  get contentType(): string {
    return this.registry.contentType;
  }

  scrape(): Promise<string> {
    return this.registry.metrics();
  }
}
