import { TokenBuckets } from './token-bucket';

describe('TokenBuckets', () => {
  it('allows a burst up to capacity, then asks the caller to wait, then refills', () => {
    let now = 0;
    const buckets = new TokenBuckets(3, 1, () => now);
    expect([buckets.take('u1'), buckets.take('u1'), buckets.take('u1')]).toEqual([0, 0, 0]);
    expect(buckets.take('u1')).toBe(1);
    now += 1000;
    expect(buckets.take('u1')).toBe(0);
  });

  it('keeps users apart', () => {
    const buckets = new TokenBuckets(1, 1, () => 0);
    expect(buckets.take('u1')).toBe(0);
    expect(buckets.take('u2')).toBe(0);
    expect(buckets.take('u1')).toBeGreaterThan(0);
  });
});
