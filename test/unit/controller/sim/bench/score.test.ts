import { describe, expect, it } from 'vitest';
import { scoreFailovers } from '../../../../../controller/sim/bench/score.js';
import type { BenchIncident } from '../../../../../controller/sim/bench/workload.js';

const START = 1_000_000;
const TAIL = 60_000;
const incidents: BenchIncident[] = [
  { label: 'outage', expectation: 'warranted', incident: { kind: 'outage', scope: 'region', region: 'us-east-1', at: 100_000, for: 30_000 } },
  { label: 'hang', expectation: 'warranted', incident: { kind: 'hang', scope: 'region', region: 'us-east-1', at: 1_000_000, for: 60_000 } },
  { label: 'global-hang', expectation: 'futile', incident: { kind: 'global', mode: 'hang', errorRate: 1, status: 429, at: 2_000_000, for: 60_000 } },
  { label: 'gray-degraded', expectation: 'unwarranted', incident: { kind: 'gray', region: 'us-east-1', errorRate: 0.05, status: 503, rampUp: 0, at: 3_000_000, for: 60_000 } },
  { label: 'flapping-above', expectation: 'tolerated', incident: { kind: 'flapping', region: 'us-east-1', down: 30_000, up: 30_000, at: 4_000_000, for: 120_000 } },
];
const failover = (offset: number, from = 'us-east-1') => ({ at: START + offset, from, to: 'us-west-2' });

describe('scoreFailovers', () => {
  it.each([
    ['nothing', [], { detected: 0, missed: 2, falseFailovers: 0, wrongFailovers: 0, lateFailovers: 0 }],
    ['both detected', [failover(105_000), failover(1_020_000)], { detected: 2, missed: 0, ttdMs: { p50: 5000, p99: 20_000, max: 20_000 } }],
    ['a failover after the incident ended', [failover(140_000)], { detected: 0, missed: 2, lateFailovers: 1 }],
    ['a second failover during an incident', [failover(105_000), failover(110_000, 'us-west-2')], { detected: 1, lateFailovers: 1 }],
    ['a failover away from a region that is not the failed one', [failover(105_000, 'eu-west-1')], { detected: 0, lateFailovers: 1 }],
    ['a failover during a global failure', [failover(2_010_000)], { wrongFailovers: 1, falseFailovers: 0 }],
    ['a failover on a degraded-but-serving primary', [failover(3_010_000)], { falseFailovers: 1 }],
    ['a failover on noise alone', [failover(5_500_000)], { falseFailovers: 1, failoversByKind: { noise: 1 } }],
    ['a failover during long flapping', [failover(4_040_000)], { toleratedFailovers: 1, falseFailovers: 0, wrongFailovers: 0 }],
  ])('%s', (_what, failovers, expected) => {
    const score = scoreFailovers('fcp', failovers, incidents, START, TAIL);
    expect(score).toMatchObject({ name: 'fcp', incidents: 2, ...expected });
  });

  it('lists the mistakes to look into', () => {
    const score = scoreFailovers('fcp', [failover(105_000), failover(2_010_000), failover(5_500_000)], incidents, START, TAIL);
    expect(score.mistakes).toEqual([
      { offsetMs: 2_010_000, from: 'us-east-1', to: 'us-west-2', counted: 'wrong', kind: 'global-hang', incidentOffsetMs: 2_000_000 },
      { offsetMs: 5_500_000, from: 'us-east-1', to: 'us-west-2', counted: 'false', kind: 'noise' },
    ]);
  });

  it('reports no percentiles when nothing was detected', () => {
    expect(scoreFailovers('x', [], incidents, START, TAIL).ttdMs).toEqual({ p50: null, p99: null, max: null });
  });
});

describe('scoreFailovers: target groups', () => {
  const grouped: BenchIncident[] = [
    { label: 'region-outage', expectation: 'warranted', group: 'region', incident: { kind: 'outage', scope: 'region', region: 'us-east-1', at: 100_000, for: 30_000 } },
    { label: 'app-outage', expectation: 'warranted', group: 'app', incident: { kind: 'outage', scope: 'app', region: 'us-east-1', at: 1_000_000, for: 60_000 } },
    { label: 'slow-onset', expectation: 'warranted', group: 'slow-onset', onsetMs: 40_000, incident: { kind: 'gray', region: 'us-east-1', errorRate: 1, status: 503, rampUp: 80_000, at: 2_000_000, for: 200_000 } },
  ];

  it('times each group from its incident start, a slow onset from when it crossed the failure ratio', () => {
    const score = scoreFailovers('fcp', [failover(105_000), failover(1_016_000), failover(2_070_000)], grouped, START, TAIL);
    expect(score.groups).toEqual({
      region: { incidents: 1, detected: 1, missed: 0, ttdMs: { p50: 5000, p99: 5000, max: 5000 } },
      app: { incidents: 1, detected: 1, missed: 0, ttdMs: { p50: 16_000, p99: 16_000, max: 16_000 } },
      'slow-onset': { incidents: 1, detected: 1, missed: 0, ttdMs: { p50: 30_000, p99: 30_000, max: 30_000 } },
    });
  });

  it('counts a group incident without a failover as missed', () => {
    expect(scoreFailovers('fcp', [], grouped, START, TAIL).groups.app).toEqual({ incidents: 1, detected: 0, missed: 1, ttdMs: { p50: null, p99: null, max: null } });
  });
});
