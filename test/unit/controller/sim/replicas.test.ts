import { describe, expect, it } from 'vitest';
import type { Observation } from '../../../../controller/domain/types.js';
import { PeerReplicas } from '../../../../controller/sim/replicas.js';
import { simulate } from '../../../../controller/sim/simulator.js';
import { scenario } from './fixture.js';

const probe = (vantage: string, at: number, outcome: Observation['outcome'] = 'ok'): Observation => ({ region: 'us-east-1', service: 'api', vantage, signal: 'http', outcome, latencyMs: 20, at });

describe('the other replicas, as the lease holder reads them', () => {
  it('publishes each replica\'s own windows every interval, stamped on its own clock', () => {
    const s = scenario({ skew: { 'eu-west-1': 8000 }, delivery: { delay: '0ms' } });
    const peers = new PeerReplicas(s, ['eu-west-1']);
    const t = s.startAt;
    const seen = Array.from({ length: 5 }, (_, i) => probe('eu-west-1', t + 100 + i * 1000));
    peers.advance(new Map([['eu-west-1', seen]]), t + 5000);
    const [summary] = peers.read();
    expect(summary).toMatchObject({ vantage: 'eu-west-1', ok: 5, failed: 0 });
    // Its clock runs 8 s ahead; how old its newest sample is does not depend on that.
    expect(summary!.lastAt).toBe(t + 4100 + 8000);
    expect(summary!.ageMs).toBeLessThan(1000);
  });

  it('keeps the newest publication when an older one arrives late', () => {
    const s = scenario({ delivery: { delay: '100ms', late: 1, maxLate: '8s' } });
    const peers = new PeerReplicas(s, ['us-west-2']);
    const t = s.startAt;
    let newest = -Infinity;
    for (let i = 1; i <= 30; i++) {
      peers.advance(new Map([['us-west-2', [probe('us-west-2', t + i * 1000 - 500, i % 2 === 0 ? 'ok' : 'fail')]]]), t + i * 1000);
      const [summary] = peers.read();
      if (!summary) continue;
      // What the store holds never goes back in time, however late deliveries arrive.
      expect(summary.lastAt).toBeGreaterThanOrEqual(newest);
      newest = summary.lastAt;
    }
    expect(newest).toBeGreaterThan(t);
  });

  it('clock offsets change nothing: every clock is read relative to itself', () => {
    const incidents = [{ kind: 'outage' as const, region: 'us-east-1', at: '1m', for: '1m' }, { kind: 'gray' as const, region: 'us-east-1', errorRate: 0.95, at: '5m', for: '90s' }];
    const plain = simulate(scenario({ duration: '8m', noise: 'default', incidents }), { engineLifetime: 'per-episode' });
    const skewed = simulate(scenario({ duration: '8m', noise: 'default', incidents, skew: { 'eu-west-1': 8000, 'us-east-1': -8000 } }), { engineLifetime: 'per-episode' });
    expect(plain.flips.length).toBe(2);
    expect(skewed.flips).toEqual(plain.flips);
    expect(skewed.decisions).toEqual(plain.decisions);
  });
});
