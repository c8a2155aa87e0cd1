import { describe, expect, it } from 'vitest';
import { CHECKER_REGIONS, endpointHealthy, HealthCheck, INITIAL_CHECKER, nextCheckerState } from '../../../../controller/sim/route53-checks.js';
import { NOISE_PROFILES } from '../../../../controller/sim/noise.js';
import { World } from '../../../../controller/sim/world.js';

const START = 2_000_000;
const LATENCY = { baseMs: 20, jitterMs: 40 };

describe('Route 53 checker status', () => {
  it('changes only after `threshold` consecutive disagreeing results', () => {
    const results = [false, false, true, false, false, false, true, true, true];
    const statuses: boolean[] = [];
    let state = INITIAL_CHECKER;
    for (const passed of results) {
      state = nextCheckerState(state, passed, 3);
      statuses.push(state.healthy);
    }
    expect(statuses).toEqual([true, true, true, true, true, false, false, false, true]);
  });

  it.each([
    [0, false],
    [1, false],
    [2, true],
    [8, true],
  ])('with %i of 8 checkers healthy the endpoint is healthy: %s (more than 18%%)', (healthy, expected) => {
    expect(endpointHealthy(healthy)).toBe(expected);
  });
});

describe('HealthCheck', () => {
  const outage = new World([{ kind: 'outage', scope: 'region', region: 'us-east-1', at: 60_000, for: 120_000 }], START, ['us-east-1', 'us-west-2']);
  const check = new HealthCheck(outage, 1, 'us-east-1', 'api', 10_000, 3, LATENCY);

  it('runs each checker on its own phase within the interval', () => {
    const phases = CHECKER_REGIONS.map((_, checker) => check.checkTime(checker, 0) - START);
    for (const phase of phases) {
      expect(phase).toBeGreaterThanOrEqual(0);
      expect(phase).toBeLessThan(10_000);
    }
    expect(new Set(phases).size).toBe(CHECKER_REGIONS.length);
    expect(check.checkTime(0, 1) - check.checkTime(0, 0)).toBe(10_000);
    expect(check.latestCheck(3, check.checkTime(3, 5))).toBe(5);
    expect(check.latestCheck(3, check.checkTime(3, 5) - 1)).toBe(4);
  });

  it('turns unhealthy about threshold x interval into an outage and healthy again after it', () => {
    expect(check.healthyCheckers(START + 59_000)).toBe(8);
    expect(check.healthyCheckers(START + 60_000 + 15_000)).toBe(8);
    expect(check.healthyCheckers(START + 60_000 + 31_000)).toBe(0);
    expect(endpointHealthy(check.healthyCheckers(START + 150_000))).toBe(false);
    expect(check.healthyCheckers(START + 180_000 + 31_000)).toBe(8);
  });

  it('follows cut-offs of the route53 vantage point, not of replicas', () => {
    const cut = new World(
      [
        { kind: 'isolation', vantage: 'route53', at: 0, for: 120_000 },
        { kind: 'isolation', vantage: 'us-west-2', at: 0, for: 300_000 },
      ],
      START,
      ['us-east-1', 'us-west-2'],
    );
    const c = new HealthCheck(cut, 1, 'us-west-2', 'api', 10_000, 3, LATENCY);
    expect(c.healthyCheckers(START + 60_000)).toBe(0);
    expect(c.healthyCheckers(START + 200_000)).toBe(8);
  });
});

describe('HealthCheck under network noise', () => {
  const quiet = new World([], START, ['us-east-1', 'us-west-2']);
  const bursty = { ...NOISE_PROFILES.bursty };
  const check = new HealthCheck(quiet, 2, 'us-east-1', 'api', 10_000, 3, LATENCY, bursty);

  it("fails some checkers' checks, as every probe path sees the noise", () => {
    const results = CHECKER_REGIONS.flatMap((_, checker) => Array.from({ length: 360 }, (_, n) => check.checkPasses(checker, n)));
    expect(results.filter((passed) => !passed).length).toBeGreaterThan(0);
  });

  it('rarely moves the endpoint: more than 18% of checkers stay healthy', () => {
    for (let at = START + 60_000; at < START + 3_600_000; at += 7_000) expect(endpointHealthy(check.healthyCheckers(at))).toBe(true);
  });

  it('answers alike whatever was asked before (check results are remembered, never changed)', () => {
    const fresh = new HealthCheck(quiet, 2, 'us-east-1', 'api', 10_000, 3, LATENCY, bursty);
    for (const at of [START + 900_000, START + 100_000, START + 900_000, START + 400_000]) expect(fresh.healthyCheckers(at)).toBe(check.healthyCheckers(at));
  });
});
