import { describe, expect, it } from 'vitest';
import { patroniLike } from '../../../../../controller/sim/baselines/patroni-like.js';
import { flips, MINUTE, outage } from './fixture.js';

describe('patroni-like baseline', () => {
  it('fails over when the leader key expires, within TTL + one loop of the outage', () => {
    const result = flips(patroniLike, outage);
    expect(result).toHaveLength(1);
    expect(result[0]).toMatchObject({ kind: 'failover', from: 'us-east-1', to: 'us-west-2' });
    expect(result[0]!.at - outage.at).toBeGreaterThanOrEqual(20_000);
    expect(result[0]!.at - outage.at).toBeLessThanOrEqual(40_000);
  });

  it('cannot tell a global failure from a regional one: it fails over, and again from the new leader', () => {
    const result = flips(patroniLike, { kind: 'global', mode: 'errors', errorRate: 1, status: 429, at: 2 * MINUTE, for: 3 * MINUTE });
    expect(result.length).toBeGreaterThanOrEqual(2);
    expect(result.map((f) => f.from).slice(0, 2)).toEqual(['us-east-1', 'us-west-2']);
  });

  it('does not see a replica cut off from the primary (it checks over the local path)', () => {
    expect(flips(patroniLike, { kind: 'cutoff', vantage: 'us-west-2', region: 'us-east-1', at: MINUTE, for: 5 * MINUTE })).toEqual([]);
    expect(flips(patroniLike, { kind: 'isolation', vantage: 'eu-west-1', at: MINUTE, for: 5 * MINUTE })).toEqual([]);
  });

  it('demotes an isolated primary that cannot reach the store, even though it serves', () => {
    const result = flips(patroniLike, { kind: 'isolation', vantage: 'us-east-1', at: MINUTE, for: 5 * MINUTE });
    expect(result.map((f) => f.from)).toEqual(['us-east-1']);
  });
});
