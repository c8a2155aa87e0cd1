import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../../controller/aws/backoff.js';
import { seededRandom } from './helpers.js';

describe('backoffDelay (full jitter)', () => {
  const policy = { base: 100, cap: 2000 };

  it('stays within [0, min(cap, base * 2^retry)) for any random draw', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (retry, draw) => {
        const delay = backoffDelay(retry, policy, () => draw);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(Math.min(policy.cap, policy.base * 2 ** retry));
      }),
      { seed: 42 },
    );
  });

  it.each([
    [0, 100],
    [1, 200],
    [3, 800],
    [5, 2000],
    [40, 2000],
  ])('retry %i draws from a window of %ims', (retry, window) => {
    expect(backoffDelay(retry, policy, () => 0.999999)).toBe(window - 1);
    expect(backoffDelay(retry, policy, () => 0)).toBe(0);
  });

  it('spreads delays over the whole window (jitter, not a fixed step)', () => {
    const random = seededRandom(42);
    const delays = Array.from({ length: 200 }, () => backoffDelay(4, policy, random));
    expect(Math.min(...delays)).toBeLessThan(300);
    expect(Math.max(...delays)).toBeGreaterThan(1300);
    expect(new Set(delays).size).toBeGreaterThan(100);
  });

  it('is reproducible with the same seed', () => {
    const draw = (seed: number) => Array.from({ length: 5 }, (_, retry) => backoffDelay(retry, policy, seededRandom(seed)));
    expect(draw(7)).toEqual(draw(7));
  });
});
