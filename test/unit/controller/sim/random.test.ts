import { describe, expect, it } from 'vitest';
import { poisson, streamKey, uniform, uniformBetween } from '../../../../controller/sim/random.js';

describe('counter-based randomness', () => {
  it('gives the same value for the same (seed, names, counter, salt), in any order of calls', () => {
    const a = streamKey(7, 'probe', 'us-east-1', 'api');
    const forward = [0, 1, 2, 3].map((n) => uniform(a, n, 10));
    const backward = [3, 2, 1, 0].map((n) => uniform(streamKey(7, 'probe', 'us-east-1', 'api'), n, 10)).reverse();
    expect(backward).toEqual(forward);
  });

  it.each([
    ['seed', streamKey(1, 'x'), streamKey(2, 'x')],
    ['names', streamKey(1, 'us-east-1', 'us-west-2'), streamKey(1, 'us-west-2', 'us-east-1')],
  ])('gives independent streams for different %s', (_what, a, b) => {
    const left = Array.from({ length: 20 }, (_, n) => uniform(a, n));
    const right = Array.from({ length: 20 }, (_, n) => uniform(b, n));
    expect(left).not.toEqual(right);
  });

  it('stays in [0, 1) and is roughly uniform, also for negative and huge counters', () => {
    const stream = streamKey(3, 'uniformity');
    const counters = [...Array.from({ length: 20_000 }, (_, n) => n - 10_000), 2 ** 40, -(2 ** 40)];
    const values = counters.map((n) => uniform(stream, n));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean).toBeGreaterThan(0.49);
    expect(mean).toBeLessThan(0.51);
    const belowTenth = values.filter((v) => v < 0.1).length / values.length;
    expect(belowTenth).toBeGreaterThan(0.09);
    expect(belowTenth).toBeLessThan(0.11);
  });

  it('draws between bounds', () => {
    const stream = streamKey(4, 'between');
    for (let n = 0; n < 100; n++) {
      const value = uniformBetween(stream, n, 0, 5, 9);
      expect(value).toBeGreaterThanOrEqual(5);
      expect(value).toBeLessThan(9);
    }
  });

  it('inverts the Poisson CDF', () => {
    expect(poisson(0, 0.99)).toBe(0);
    expect(poisson(2, 0)).toBe(0);
    const stream = streamKey(5, 'poisson');
    const draws = Array.from({ length: 5000 }, (_, n) => poisson(3, uniform(stream, n)));
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    expect(mean).toBeGreaterThan(2.85);
    expect(mean).toBeLessThan(3.15);
  });
});
