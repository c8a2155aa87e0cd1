import type { Plan, Topology } from '../../../../controller/domain/types.js';

/** A small plan and topology for the store tests. */
export function samplePlan(id: string, createdAt = 1000, steps = 3): Plan {
  return {
    id,
    operation: 'failover',
    mode: 'unplanned',
    trigger: 'automatic',
    from: 'us-east-1',
    to: 'us-west-2',
    reason: 'regional outage confirmed by 3/3 vantage points for 4s',
    createdAt,
    overridden: [],
    steps: Array.from({ length: steps }, (_, i) => ({
      index: i + 1,
      kind: (['check-target-ready', 'promote-database', 'flip-traffic'] as const)[i % 3] ?? 'verify',
      title: `step ${i + 1}`,
      skipWhen: 'already done',
      deadlineMs: 60_000,
      region: 'us-west-2',
      params: { n: i + 1 },
    })),
  };
}

export function sampleTopology(primary = 'us-east-1', sequence = 0): Topology {
  return { phase: 'steady', primary, flips: [], sequence };
}
