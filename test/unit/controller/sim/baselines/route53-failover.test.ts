import { describe, expect, it } from 'vitest';
import { route53Fast, route53Standard } from '../../../../../controller/sim/baselines/route53-failover.js';
import { runBaseline } from '../../../../../controller/sim/baselines/policy.js';
import type { Incident } from '../../../../../controller/sim/scenario.js';
import { contextWithSeed, flips, MINUTE, outage, START } from './fixture.js';

describe('route53 baselines', () => {
  it.each([
    [route53Standard, 60_000, 100_000],
    [route53Fast, 20_000, 35_000],
  ])('%s fails over after about threshold x interval and fails back on its own', (policy, earliest, latest) => {
    const result = flips(policy, outage);
    expect(result.map((f) => f.kind)).toEqual(['failover', 'failback']);
    expect(result[0]).toMatchObject({ from: 'us-east-1', to: 'us-west-2' });
    expect(result[0]!.at - outage.at).toBeGreaterThanOrEqual(earliest);
    expect(result[0]!.at - outage.at).toBeLessThanOrEqual(latest);
    expect(result[1]!.at).toBeGreaterThan(outage.at + outage.for);
  });

  it('does not react to one replica being cut off: its checkers are elsewhere', () => {
    expect(flips(route53Fast, { kind: 'cutoff', vantage: 'us-west-2', region: 'us-east-1', at: MINUTE, for: 5 * MINUTE })).toEqual([]);
    expect(flips(route53Fast, { kind: 'isolation', vantage: 'us-east-1', at: MINUTE, for: 5 * MINUTE })).toEqual([]);
  });

  it('fails open to the primary while every region is unhealthy; moves at onset and recovery are transient', () => {
    const global: Incident = { kind: 'global', mode: 'hang', errorRate: 1, status: 429, at: MINUTE, for: 8 * MINUTE };
    const runs = Array.from({ length: 12 }, (_, seed) => runBaseline(route53Fast, contextWithSeed(seed, global), [{ from: START, to: START + 10 * MINUTE }]));
    // Checks run on their own phases: in some worlds one region's check flips before the others' and DNS moves for a moment.
    expect(runs.some((run) => run.length > 0)).toBe(true);
    for (const run of runs) {
      // Once every check has failed (threshold x interval plus the phases), DNS answers with the primary until checks recover.
      expect(run.filter((f) => f.at > START + MINUTE + 45_000 && f.at < START + 9 * MINUTE)).toEqual([]);
      expect(run.length === 0 || (run.at(-1)!.kind === 'failback' && run.at(-1)!.to === 'us-east-1')).toBe(true);
    }
  });

  it('answers with the primary in the middle of a global failure, whoever flipped first', () => {
    const global: Incident = { kind: 'global', mode: 'hang', errorRate: 1, status: 429, at: MINUTE, for: 8 * MINUTE };
    for (let seed = 0; seed < 12; seed++) {
      const ctx = contextWithSeed(seed, global);
      let state = route53Fast.init(ctx, START);
      for (let at = START; at <= START + 5 * MINUTE; at += route53Fast.cadenceMs) state = route53Fast.step(state, ctx, at).state;
      expect(state.serving).toBe('us-east-1');
    }
  });

  it('ignores a gray failure that leaves more than 18% of checkers healthy', () => {
    expect(flips(route53Fast, { kind: 'gray', region: 'us-east-1', errorRate: 0.3, status: 503, rampUp: 0, at: MINUTE, for: 5 * MINUTE })).toEqual([]);
  });
});
