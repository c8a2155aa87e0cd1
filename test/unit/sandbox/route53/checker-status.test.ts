import { describe, expect, it } from 'vitest';
import { INITIAL_CHECKER_VIEW, endpointHealthy, recordResult } from '../../../../sandbox/route53/checker-status.js';

describe('one checker region', () => {
  it.each([
    [1, [false], [false]],
    [3, [false, false], [true, true]],
    [3, [false, false, false], [true, true, false]],
    [3, [false, true, false, false, false], [true, true, true, true, false]],
    [2, [false, false, true, true], [true, false, false, true]],
  ])('with FailureThreshold %i, results %j give views %j', (threshold, results, expected) => {
    let view = INITIAL_CHECKER_VIEW;
    const seen = results.map((passed) => (view = recordResult(view, passed, threshold)).healthy);
    expect(seen).toEqual(expected);
  });
});

describe('the endpoint over all checkers (healthy when more than 18% say so)', () => {
  const views = (healthy: number, unhealthy: number) => [
    ...Array.from({ length: healthy }, () => ({ healthy: true, streak: 0 })),
    ...Array.from({ length: unhealthy }, () => ({ healthy: false, streak: 0 })),
  ];
  it.each([
    [8, 0, true],
    [2, 6, true], // 25%
    [1, 7, false], // 12.5%
    [0, 8, false],
  ])('%i healthy and %i unhealthy of 8 -> %s', (healthy, unhealthy, expected) => {
    expect(endpointHealthy(views(healthy, unhealthy), 8)).toBe(expected);
  });

  it('counts checkers that have not reported as healthy', () => {
    expect(endpointHealthy(views(0, 6), 8)).toBe(true);
    expect(endpointHealthy(views(0, 3), 3)).toBe(false);
  });
});
