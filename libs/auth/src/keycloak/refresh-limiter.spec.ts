import { RefreshLimiter } from './refresh-limiter';

describe('RefreshLimiter', () => {
  it('allows a burst, then one fetch per interval', () => {
    let now = 0;
    const limiter = new RefreshLimiter(2, 10_000, () => now);
    expect([limiter.tryTake(), limiter.tryTake(), limiter.tryTake()]).toEqual([true, true, false]);
    now = 9_999;
    expect(limiter.tryTake()).toBe(false);
    now = 10_000;
    expect(limiter.tryTake()).toBe(true);
    expect(limiter.tryTake()).toBe(false);
  });

  it('does not save up more than the burst while idle', () => {
    let now = 0;
    const limiter = new RefreshLimiter(2, 1_000, () => now);
    now = 1_000_000;
    expect([limiter.tryTake(), limiter.tryTake(), limiter.tryTake()]).toEqual([true, true, false]);
  });
});
