import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { InFlightTracker } from './in-flight-tracker';

export const SHUTDOWN_OPTIONS = Symbol('crm.observability.shutdown-options');

export interface ShutdownOptions {
  /** Upper bound for all drainers together (SHUTDOWN_TIMEOUT_MS), counted after the drain delay. */
  timeoutMs: number;
  /**
   * SHUTDOWN_DRAIN_DELAY_MS: readiness fails at once, but nothing stops for this long, so that
   * load balancers take the instance out of rotation while it still answers.
   */
  drainDelayMs?: number;
}

export type Drainer = () => Promise<unknown> | unknown;

export interface ShutdownReport {
  /** Drainers that finished, in order. */
  completed: string[];
  /** Drainers that threw (shutdown goes on with the next one). */
  failed: { name: string; error: string }[];
  /** The drainer still running when the timeout hit, and the ones never started. */
  abandoned: string[];
  timedOut: boolean;
  durationMs: number;
}

/**
 * Orders a graceful stop. Nest runs every `onModuleDestroy` before any `beforeApplicationShutdown`
 * or `onApplicationShutdown`, and it is here that readiness flips to 503, the drain delay passes
 * with HTTP still serving (responses then ask clients to close their connections), and the drainers run
 * ("stop consuming", "finish in-flight", "stop outbox relay"), while connections (database,
 * broker) are still open: libraries close those in the later hooks. Works with
 * `app.enableShutdownHooks()` (SIGTERM/SIGINT) and with a plain `app.close()`.
 */
@Injectable()
export class ShutdownCoordinator implements OnModuleDestroy {
  private readonly logger = new Logger(ShutdownCoordinator.name);
  private readonly drainers: { name: string; drain: Drainer }[] = [];
  private shutdownPromise?: Promise<ShutdownReport>;
  /** Shared counter for work a drainer should wait for; libraries may keep their own. */
  readonly inFlight = new InFlightTracker();

  constructor(@Inject(SHUTDOWN_OPTIONS) private readonly options: ShutdownOptions) {}

  get isShuttingDown(): boolean {
    return this.shutdownPromise !== undefined;
  }

  /** Adds a step to the shutdown; steps run one after the other in registration order. */
  registerDrainer(name: string, drain: Drainer): void {
    if (this.isShuttingDown) {
      this.logger.warn(`Drainer "${name}" registered after shutdown began; it will not run`);
      return;
    }
    this.drainers.push({ name, drain });
  }

  trackInFlight<T>(work: Promise<T> | (() => Promise<T>)): Promise<T> {
    return this.inFlight.track(work);
  }

  async onModuleDestroy(): Promise<void> {
    await this.shutdown();
  }

  /** Begins the shutdown once; later calls get the same result. */
  shutdown(reason = 'application closing'): Promise<ShutdownReport> {
    this.shutdownPromise ??= this.drain(reason);
    return this.shutdownPromise;
  }

  private async drain(reason: string): Promise<ShutdownReport> {
    const started = performance.now();
    const report: ShutdownReport = { completed: [], failed: [], abandoned: [], timedOut: false, durationMs: 0 };
    this.logger.log(`Shutting down (${reason}): readiness is now failing`, { drainers: this.drainers.map((d) => d.name) });
    const delayMs = this.options.drainDelayMs ?? 0;
    if (delayMs > 0) {
      this.logger.log(`Still serving for ${delayMs} ms while load balancers take this instance out`);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }

    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.options.timeoutMs);
    });
    const steps = [...this.drainers];
    try {
      for (let index = 0; index < steps.length; index++) {
        const { name, drain } = steps[index];
        const outcome = await Promise.race([runStep(drain), deadline]);
        if (outcome === 'timeout') {
          report.timedOut = true;
          report.abandoned = steps.slice(index).map((step) => step.name);
          this.logger.warn(`Shutdown timeout of ${this.options.timeoutMs} ms reached`, { abandoned: report.abandoned });
          break;
        }
        if (outcome.ok) report.completed.push(name);
        else {
          report.failed.push({ name, error: outcome.error.message });
          this.logger.error(`Drainer "${name}" failed`, outcome.error);
        }
      }
    } finally {
      clearTimeout(timer);
    }
    report.durationMs = Math.round(performance.now() - started);
    this.logger.log('Drained; closing the application', { ...report });
    return report;
  }
}

async function runStep(drain: Drainer): Promise<{ ok: true } | { ok: false; error: Error }> {
  try {
    await drain();
    return { ok: true };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error : new Error(String(error)) };
  }
}
