import { describe, expect, it } from 'vitest';
import { route53Fast, route53Standard } from '../../../../../controller/sim/baselines/route53-failover.js';
import { flips, MINUTE, outage } from './fixture.js';

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

  it('fails open when every region is unhealthy: nothing moves once all checks have failed', () => {
    // Every region already failing before the run starts: all unhealthy, DNS keeps answering as before.
    const result = flips(route53Fast, { kind: 'global', mode: 'hang', errorRate: 1, status: 429, at: 0, for: 8 * MINUTE });
    expect(result.filter((f) => f.kind === 'failover' && f.at > MINUTE)).toEqual([]);
  });

  it('ignores a gray failure that leaves more than 18% of checkers healthy', () => {
    expect(flips(route53Fast, { kind: 'gray', region: 'us-east-1', errorRate: 0.3, status: 503, at: MINUTE, for: 5 * MINUTE })).toEqual([]);
  });
});
