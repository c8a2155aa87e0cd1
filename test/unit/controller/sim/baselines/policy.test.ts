import { describe, expect, it } from 'vitest';
import { BASELINES } from '../../../../../controller/sim/baselines/index.js';
import { patroniLike } from '../../../../../controller/sim/baselines/patroni-like.js';
import { runBaseline } from '../../../../../controller/sim/baselines/policy.js';
import { context, MINUTE, outage, START } from './fixture.js';

describe('baseline registry', () => {
  it('lists every baseline once, by name', () => {
    expect(BASELINES.map((b) => b.name)).toEqual(['route53-standard', 'route53-fast', 'patroni-like']);
    for (const baseline of BASELINES) expect(baseline.description.length).toBeGreaterThan(10);
  });

  it('runs each stretch from a fresh state (a flip in one stretch does not carry into the next)', () => {
    const ctx = context(outage, { ...outage, at: 30 * MINUTE });
    const spans = [
      { from: START + outage.at, to: START + outage.at + 5 * MINUTE },
      { from: START + 30 * MINUTE, to: START + 35 * MINUTE },
    ];
    const result = runBaseline(patroniLike, ctx, spans);
    expect(result.map((f) => f.from)).toEqual(['us-east-1', 'us-east-1']);
  });
});
