import { BoundedCollection } from './bounded-collection';

describe('BoundedCollection (a scrape-time measurement)', () => {
  it('gives up on a hung source after its timeout, reports it once per scrape, and never starts a second measurement meanwhile', async () => {
    let started = 0;
    let finish: (value: number) => void = () => undefined;
    const failures: unknown[] = [];
    const collection = new BoundedCollection<number>(
      () => {
        started++;
        return new Promise<number>((resolve) => (finish = resolve));
      },
      (error) => failures.push(error),
      30,
    );

    // Two gauges of one scrape share the measurement.
    expect(await Promise.all([collection.get(), collection.get()])).toEqual([null, null]);
    expect(failures).toHaveLength(1);
    // The next scrape joins the hung measurement rather than piling up another query.
    const next = collection.get();
    finish(7);
    expect(await next).toBe(7);
    expect(started).toBe(1);

    expect(await collection.get()).toBeNull(); // a fresh measurement, hung again
    expect(started).toBe(2);
  });

  it('turns a failing source into null', async () => {
    const failures: unknown[] = [];
    const collection = new BoundedCollection<number>(() => Promise.reject(new Error('connection refused')), (error) => failures.push(error));
    expect(await collection.get()).toBeNull();
    expect(failures).toEqual([new Error('connection refused')]);
  });
});
