import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assess } from '../../../../controller/domain/assess.js';
import { decide, initialTopology } from '../../../../controller/domain/decide.js';
import { createEngineState, engineStep } from '../../../../controller/domain/engine.js';
import type { Assessment, Command, Decision, Topology } from '../../../../controller/domain/types.js';
import { config, database, probe, REGIONS, VANTAGES, world } from './fixtures.js';

/** Safety invariants of the engine, checked over random histories of signals, commands and plan reports. */

const view = fc.constantFrom('healthy', 'healthy', 'healthy', 'degraded', 'failed', 'failed', 'stale') as fc.Arbitrary<'healthy' | 'degraded' | 'failed' | 'stale'>;
const views = fc.dictionary(fc.constantFrom(...REGIONS), fc.dictionary(fc.constantFrom(...VANTAGES), view));
const commandKind = fc.constantFrom('none', 'none', 'none', 'failover', 'switchover', 'failback', 'pause', 'resume', 'finish-ok', 'finish-failed');
const stepArb = fc.record({
  advanceMs: fc.integer({ min: 100, max: 20 * 60_000 }),
  views,
  /** Signals usually persist from one step to the next, so outages get confirmed. */
  keepViews: fc.constantFrom(true, true, true, false),
  command: commandKind,
  target: fc.constantFrom(...REGIONS, 'us-west-9'),
  lagMs: fc.integer({ min: 0, max: 20_000 }),
});
const history = fc.array(stepArb, { minLength: 1, maxLength: 60 });

interface Record_ {
  decisions: Decision[];
  assessment: Assessment;
  before: Topology;
  after: Topology;
  now: number;
}

type Step = typeof stepArb extends fc.Arbitrary<infer T> ? T : never;

function replay(steps: Step[]): Record_[] {
  let topology = initialTopology(config);
  let now = 1_000_000;
  const out: Record_[] = [];
  let views = steps[0]!.views;
  steps.forEach((step, i) => {
    now += step.advanceMs;
    if (!step.keepViews) views = step.views;
    const assessment = assess(world(now, views), config, now);
    const commands: Command[] = [];
    const id = `c${i}`;
    const base = { id, reason: 'property', actor: 'tester', at: now };
    switch (step.command) {
      case 'failover':
      case 'switchover':
        commands.push({ kind: step.command, to: step.target, ...base });
        break;
      case 'failback':
      case 'pause':
      case 'resume':
        commands.push({ kind: step.command, ...base });
        break;
      case 'finish-ok':
      case 'finish-failed':
        if (topology.active) commands.push({ kind: 'plan-finished', id, planId: topology.active.planId, ok: step.command === 'finish-ok', at: now });
        break;
    }
    const db = database(now, { 'us-west-2': step.lagMs, 'eu-west-1': step.lagMs / 2 });
    const result = decide(topology, { assessment, commands, database: db, readiness: undefined }, config, now);
    out.push({ decisions: result.decisions, assessment, before: topology, after: result.topology, now });
    topology = result.topology;
  });
  return out;
}

const flips = (r: Record_) => r.decisions.filter((d): d is Extract<Decision, { kind: 'flip' }> => d.kind === 'flip');

describe('engine safety invariants (property-based)', () => {
  it('never fails over to a region it does not judge healthy', () => {
    fc.assert(
      fc.property(history, (steps) => {
        for (const r of replay(steps)) for (const f of flips(r)) expect(r.assessment.verdicts[f.to]!.health).toBe('healthy');
      }),
      { numRuns: 300 },
    );
  });

  it('never fails over on a global or observer classification', () => {
    fc.assert(
      fc.property(history, (steps) => {
        for (const r of replay(steps)) {
          for (const f of flips(r)) if (f.mode === 'unplanned') expect(['regional', 'none']).toContain(r.assessment.classification);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never exceeds the flip limit per window and never flips twice within the cooldown', () => {
    fc.assert(
      fc.property(history, (steps) => {
        const times: number[] = [];
        for (const r of replay(steps)) for (const f of flips(r)) times.push(f.at);
        times.forEach((at, i) => {
          if (i > 0) expect(at - times[i - 1]!).toBeGreaterThanOrEqual(config.failover.cooldown);
          const inWindow = times.filter((t) => t <= at && at - t < config.failover.flipWindow).length;
          expect(inWindow).toBeLessThanOrEqual(config.failover.maxFlips);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('gives every decision a reason, and never flips while a plan runs', () => {
    fc.assert(
      fc.property(history, (steps) => {
        for (const r of replay(steps)) {
          expect(r.decisions.length).toBeGreaterThan(0);
          for (const d of r.decisions) expect(d.reason.trim().length).toBeGreaterThan(10);
          const finished = r.decisions.some((d) => d.kind === 'plan-finished' && d.planId === r.before.active?.planId);
          if (r.before.active && !finished) expect(flips(r)).toEqual([]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('explores histories that do flip, automatically and manually (the properties above are not vacuous)', () => {
    const samples = fc.sample(history, { numRuns: 300, seed: 42 }).flatMap((steps) => replay(steps).flatMap(flips));
    expect(samples.filter((f) => f.trigger === 'automatic').length).toBeGreaterThan(5);
    expect(samples.filter((f) => f.trigger === 'manual').length).toBeGreaterThan(5);
  });

  it('gives the same outputs for the same inputs', () => {
    fc.assert(
      fc.property(history, (steps) => {
        expect(replay(steps)).toEqual(replay(steps));
      }),
      { numRuns: 100 },
    );
  });

  it('is deterministic end to end from raw observations', () => {
    const outcomes = fc.array(fc.constantFrom('ok', 'ok', 'ok', 'fail', 'timeout') as fc.Arbitrary<'ok' | 'fail' | 'timeout'>, { minLength: 40, maxLength: 40 });
    fc.assert(
      fc.property(outcomes, (pattern) => {
        const runOnce = () => {
          let state = createEngineState(config, 0);
          const reasons: string[] = [];
          pattern.forEach((outcome, i) => {
            const at = (i + 1) * 1000;
            const observations = VANTAGES.flatMap((v) => REGIONS.map((r) => probe(r, v, r === 'us-east-1' ? outcome : 'ok', at - 5)));
            const step = engineStep(state, { observations, commands: [], database: database(at) }, at);
            state = step.state;
            reasons.push(...step.decisions.map((d) => `${d.kind}:${d.reason}`));
          });
          return reasons;
        };
        expect(runOnce()).toEqual(runOnce());
      }),
      { numRuns: 50 },
    );
  });
});
