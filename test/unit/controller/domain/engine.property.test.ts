import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assess } from '../../../../controller/domain/assess.js';
import { decide, initialTopology } from '../../../../controller/domain/decide.js';
import { createEngineState, engineStep } from '../../../../controller/domain/engine.js';
import type { Assessment, Command, Decision, PlanReport, Topology } from '../../../../controller/domain/types.js';
import { config, database, probe, REGIONS, VANTAGES, world } from './fixtures.js';

/** Safety invariants of the engine, checked over random histories of signals, commands and plan outcomes. */

const view = fc.constantFrom('healthy', 'healthy', 'healthy', 'degraded', 'failed', 'failed', 'stale') as fc.Arbitrary<'healthy' | 'degraded' | 'failed' | 'stale'>;
const views = fc.dictionary(fc.constantFrom(...REGIONS), fc.dictionary(fc.constantFrom(...VANTAGES), view));
const commandKind = fc.constantFrom('none', 'none', 'none', 'failover', 'switchover', 'failback', 'pause', 'resume', 'finish-ok', 'finish-failed', 'finish-partial', 'finish-missing');
const stepArb = fc.record({
  advanceMs: fc.integer({ min: 100, max: 20 * 60_000 }),
  views,
  /** Signals usually persist from one step to the next, so outages get confirmed. */
  keepViews: fc.constantFrom(true, true, true, false),
  command: commandKind,
  target: fc.constantFrom(...REGIONS, 'us-west-9'),
  lagMs: fc.integer({ min: 0, max: 20_000 }),
  /** The lease holding that reads the journal and would run a flip (holders change). */
  leaseToken: fc.constantFrom(1, 1, 2),
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

/** What the journal says of the active plan at a step: most often still running. */
function journalSays(planId: string, command: Step['command'], fenceToken: number): PlanReport {
  switch (command) {
    case 'finish-ok':
      return { planId, status: 'succeeded', changed: ['promote-database', 'flip-traffic'], fenceToken };
    case 'finish-failed':
      return { planId, status: 'failed', changed: [], error: 'AccessDenied', fenceToken };
    case 'finish-partial':
      return { planId, status: 'failed', changed: ['fence-old-writer'], error: 'promotion timed out', fenceToken };
    case 'finish-missing':
      return { planId, status: 'missing', changed: [], fenceToken: 0 };
    default:
      return { planId, status: 'running', changed: [], fenceToken };
  }
}

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
    }
    const plan = topology.active ? journalSays(topology.active.planId, step.command, step.leaseToken) : undefined;
    const db = database(now, { 'us-west-2': step.lagMs, 'eu-west-1': step.lagMs / 2 });
    const result = decide(topology, { assessment, commands, database: db, readiness: undefined, plan, leaseToken: step.leaseToken }, config, now);
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
      { numRuns: 300, seed: 42 },
    );
  });

  it('never fails over on a global, observer or partition classification', () => {
    fc.assert(
      fc.property(history, (steps) => {
        for (const r of replay(steps)) {
          for (const f of flips(r)) if (f.mode === 'unplanned') expect(['regional', 'none']).toContain(r.assessment.classification);
        }
      }),
      { numRuns: 300, seed: 42 },
    );
  });

  it('never counts more flips than the limit per window, nor two within the cooldown', () => {
    fc.assert(
      fc.property(history, (steps) => {
        for (const r of replay(steps)) {
          const counted = [...r.after.flips].sort((a, b) => a - b);
          counted.forEach((at, i) => {
            if (i > 0) expect(at - counted[i - 1]!).toBeGreaterThanOrEqual(config.failover.cooldown);
            expect(counted.filter((t) => t <= at && at - t < config.failover.flipWindow).length).toBeLessThanOrEqual(config.failover.maxFlips);
          });
        }
      }),
      { numRuns: 300, seed: 42 },
    );
  });

  it('a failed plan that changed nothing never consumes a flip; one that changed something keeps its flip', () => {
    fc.assert(
      fc.property(history, (steps) => {
        for (const r of replay(steps)) {
          const ended = r.decisions.find((d): d is Extract<Decision, { kind: 'plan-finished' }> => d.kind === 'plan-finished');
          if (!ended || ended.ok || !r.before.active) continue;
          const startedAt = r.before.active.startedAt;
          const startedNow = flips(r).some((f) => f.at === startedAt);
          if (ended.changed.length === 0 && !startedNow && r.before.flips.includes(startedAt)) expect(r.after.flips.filter((t) => t === startedAt).length).toBe(r.before.flips.filter((t) => t === startedAt).length - 1);
          if (ended.changed.length > 0) expect(r.after.flips).toEqual(expect.arrayContaining(r.before.flips));
        }
      }),
      { numRuns: 300, seed: 42 },
    );
  });

  it('remembers what a half-done move changed until a plan finishes it', () => {
    fc.assert(
      fc.property(history, (steps) => {
        for (const r of replay(steps)) {
          const before = r.before.lastFailure;
          const after = r.after.lastFailure;
          if (before && after && before.from === after.from && before.to === after.to) expect(after.changed).toEqual(expect.arrayContaining(before.changed));
        }
      }),
      { numRuns: 300, seed: 42 },
    );
  });

  it('an active plan ends only through its outcome in the journal', () => {
    fc.assert(
      fc.property(history, (steps) => {
        for (const r of replay(steps)) {
          if (!r.before.active) continue;
          const ended = r.decisions.some((d) => d.kind === 'plan-finished' && d.planId === r.before.active!.planId);
          if (!ended) expect(r.after.active).toEqual(r.before.active);
        }
      }),
      { numRuns: 300, seed: 42 },
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
      { numRuns: 300, seed: 42 },
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
      { numRuns: 100, seed: 42 },
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
      { numRuns: 50, seed: 42 },
    );
  });
});
