import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../../kernel/token-bucket.js';

describe('TokenBucket', () => {
  it('allows a burst of its capacity, then refills at its rate and never beyond capacity', () => {
    let now = 0;
    const bucket = new TokenBucket(4, 1, () => now);
    expect([1, 2, 3, 4, 5].map(() => bucket.tryTake())).toEqual([true, true, true, true, false]);
    now += 999;
    expect(bucket.tryTake()).toBe(false);
    now += 1;
    expect(bucket.tryTake()).toBe(true);
    now += 60_000;
    expect(Array.from({ length: 6 }, () => bucket.tryTake()).filter(Boolean)).toHaveLength(4);
  });

  it('refills fractional rates', () => {
    let now = 0;
    const bucket = new TokenBucket(1, 1 / 3, () => now);
    expect(bucket.tryTake()).toBe(true);
    now += 2000;
    expect(bucket.tryTake()).toBe(false);
    now += 1000;
    expect(bucket.tryTake()).toBe(true);
  });

  it('never limits at an infinite rate', () => {
    const bucket = new TokenBucket(1, Number.POSITIVE_INFINITY, () => 0);
    expect(Array.from({ length: 100 }, () => bucket.tryTake()).every(Boolean)).toBe(true);
  });
});
