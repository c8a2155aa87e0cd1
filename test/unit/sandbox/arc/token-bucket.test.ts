import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../../../sandbox/arc/token-bucket.js';

describe('TokenBucket', () => {
  it('allows a burst of `rate`, then refills at `rate` per second', () => {
    let now = 0;
    const bucket = new TokenBucket(3, () => now);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    now += 333;
    expect(bucket.take()).toBe(false);
    now += 1;
    expect(bucket.take()).toBe(true);
    now += 10_000;
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
  });

  it('never limits at an infinite rate', () => {
    const bucket = new TokenBucket(Number.POSITIVE_INFINITY, () => 0);
    expect(Array.from({ length: 100 }, () => bucket.take()).every(Boolean)).toBe(true);
  });
});
