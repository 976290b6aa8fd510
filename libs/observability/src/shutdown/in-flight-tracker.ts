/**
 * Counts work in progress (a message being handled, a job run) so that a shutdown drainer can
 * wait for it after intake stopped.
 */
export class InFlightTracker {
  private count = 0;
  private waiters: (() => void)[] = [];

  get size(): number {
    return this.count;
  }

  /** Counts `work` until it settles and returns it unchanged (rejections pass through). */
  track<T>(work: Promise<T> | (() => Promise<T>)): Promise<T> {
    this.count++;
    let promise: Promise<T>;
    try {
      promise = typeof work === 'function' ? work() : work;
    } catch (error) {
      promise = Promise.reject(error);
    }
    return promise.finally(() => {
      this.count--;
      if (this.count === 0) this.waiters.splice(0).forEach((resolve) => resolve());
    });
  }

  /** Resolves true once nothing is in flight, or false after `timeoutMs` (default: wait forever). */
  idle(timeoutMs?: number): Promise<boolean> {
    if (this.count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => resolve(false), timeoutMs);
      this.waiters.push(() => {
        if (timer) clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
