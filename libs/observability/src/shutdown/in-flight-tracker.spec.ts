import { InFlightTracker } from './in-flight-tracker';

describe('InFlightTracker', () => {
  it('counts work until it settles, passing results and failures through', async () => {
    const tracker = new InFlightTracker();
    let finish!: (value: string) => void;
    const ok = tracker.track(new Promise<string>((resolve) => (finish = resolve)));
    const failed = tracker.track(() => Promise.reject(new Error('handler failed')));
    expect(tracker.size).toBe(2);

    await expect(failed).rejects.toThrow('handler failed');
    expect(tracker.size).toBe(1);
    const idle = tracker.idle();
    finish('done');
    await expect(ok).resolves.toBe('done');
    await expect(idle).resolves.toBe(true);
    expect(tracker.size).toBe(0);
  });

  it('counts a function that throws synchronously as settled', async () => {
    const tracker = new InFlightTracker();
    await expect(
      tracker.track(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    expect(tracker.size).toBe(0);
  });

  it('gives up waiting after the timeout', async () => {
    const tracker = new InFlightTracker();
    void tracker.track(new Promise(() => undefined));
    await expect(tracker.idle(30)).resolves.toBe(false);
  });
});
