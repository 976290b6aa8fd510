/** Prometheus' default scrape timeout is 10 s; a slow database or broker must not eat all of it. */
export const COLLECT_TIMEOUT_MS = 2_000;

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * A measurement taken at scrape time for one or more gauges. The gauges of one scrape share one
 * result (prom-client collects them concurrently); a measurement still running after its timeout
 * is joined by the next scrape instead of being started again, so a hung database or broker
 * never piles up queries. Failures resolve to null (reported once through `onFailure`): a scrape
 * must never fail because one of its sources did.
 */
export class BoundedCollection<T> {
  private work: Promise<T> | null = null;
  private result: Promise<T | null> | null = null;

  constructor(
    private readonly measure: () => Promise<T>,
    private readonly onFailure: (error: unknown) => void,
    private readonly timeoutMs = COLLECT_TIMEOUT_MS,
  ) {}

  get(): Promise<T | null> {
    if (!this.result) {
      this.work ??= this.measure().finally(() => {
        this.work = null;
      });
      this.result = withTimeout(this.work, this.timeoutMs)
        .catch((error: unknown) => {
          this.onFailure(error);
          return null;
        })
        .finally(() => {
          this.result = null;
        });
    }
    return this.result;
  }
}
