import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../controller/config/load.js';
import { judgeRollout, rehearsalSettled, renderRollout } from '../../../../cli/drill/rollout-report.js';
import { rehearseRollout, withDrillToken, type RolloutOutcome } from '../../../../cli/drill/rollout.js';
import { loadDrillScenario } from '../../../../cli/drill/scenario.js';
import { sha256Hex } from '../../../../controller/api/auth.js';
import type { AppliedStep, RolloutReport } from '../../../../cli/rollout/rollout.js';

const config = loadConfig(new URL('../../../../examples/sandbox.yaml', import.meta.url).pathname);
const scenario = loadDrillScenario('bad-change-rollout', config);
const rollout = scenario.rollout!;
const ID = 'rollout-20261130-abcd';
const ALL = ['us-east-1', 'us-west-2', 'eu-west-1'];

const step = (stack: string, role: AppliedStep['role'], regions: string[]): AppliedStep => ({ stack, role, regions, change: `chg-${stack}` });
const SHARED = step('sandbox-shared', 'deployment-wide', ALL);
const WEST = step('sandbox-us-west-2', 'standby', ['us-west-2']);
const EU = step('sandbox-eu-west-1', 'standby', ['eu-west-1']);

function halted(fields: Partial<Exclude<RolloutReport, { status: 'done' }>> = {}): RolloutOutcome {
  const report: RolloutReport = {
    status: 'halted',
    rollout: ID,
    commit: rollout.commit,
    reason: 'eu-west-1 failed: api failed from 3/4 vantage points (HTTP 503), 2.1s into the bake of sandbox-eu-west-1',
    stack: 'sandbox-eu-west-1',
    region: 'eu-west-1',
    change: EU.change,
    detectedAfterMs: 2100,
    applied: [SHARED, WEST, EU],
    untouched: ['sandbox-us-east-1', 'sandbox-endpoints'],
    ...fields,
  };
  return { id: ID, report };
}

const NAMING = `no action: primary us-east-1 healthy; eu-west-1 failing since 1.8s after change bad0c4a to eu-west-1 (stack sandbox-eu-west-1, rollout ${ID})`;
const judge = (outcome: RolloutOutcome, reasons: string[] = [NAMING], expected = scenario.expect.rollout) => judgeRollout(rollout, expected, outcome, reasons);

describe('a rehearsed rollout, judged', () => {
  it('reports a halt in the bad region within one bake, named by a decision, as expected', () => {
    const { report, problems } = judge(halted(), ['no action: primary us-east-1 healthy', NAMING]);
    expect(problems).toEqual([]);
    expect(report).toEqual({
      rollout: ID,
      commit: 'bad0c4a9e1f2',
      status: 'halted',
      reason: expect.stringContaining('eu-west-1 failed'),
      applied: ['sandbox-shared', 'sandbox-us-west-2', 'sandbox-eu-west-1'],
      neverApplied: ['sandbox-us-east-1', 'sandbox-endpoints'],
      haltedAt: 'sandbox-eu-west-1',
      change: 'chg-sandbox-eu-west-1',
      badChangeReached: ['eu-west-1'],
      bakeMs: 6000,
      haltedAfterMs: 2100,
      withinBake: true,
      decisionNamedChange: true,
      namedBy: NAMING,
    });
  });

  it('fails the expectation when the halt comes later than one bake', () => {
    const { report, problems } = judge(halted({ detectedAfterMs: 6400 }));
    expect(report.withinBake).toBe(false);
    expect(problems).toEqual(['the rollout halted 6400ms after the breaking apply, later than one bake (6000ms)']);
  });

  it('fails the expectation when the bad change reached more than one region', () => {
    const wide = { ...rollout, changes: { ...rollout.changes, 'sandbox-shared': { kind: 'db-cut' as const, region: 'us-west-2' } } };
    const { report, problems } = judgeRollout(wide, scenario.expect.rollout, halted(), [NAMING]);
    expect(report.badChangeReached).toEqual(['us-east-1', 'us-west-2', 'eu-west-1']);
    expect(problems).toEqual(['the bad change reached 3 regions (us-east-1, us-west-2, eu-west-1); at most one may be reached']);
  });

  it('fails the expectation when no decision named the change (another rollout or commit does not count)', () => {
    const { report, problems } = judge(halted(), [NAMING.replace(ID, 'rollout-other'), NAMING.replace('bad0c4a', 'abc1234')]);
    expect(report.decisionNamedChange).toBe(false);
    expect(problems).toEqual(['no decision of the controller named change chg-sandbox-eu-west-1 (bad0c4a to stack sandbox-eu-west-1)']);
  });

  it('fails the expectation when the rollout halts elsewhere, finishes, or never starts', () => {
    expect(judge(halted({ stack: 'sandbox-us-west-2', change: WEST.change, applied: [SHARED, WEST] }), []).problems).toContain(
      'expected the rollout to halt in the bake of sandbox-eu-west-1; it halted at sandbox-us-west-2: eu-west-1 failed: api failed from 3/4 vantage points (HTTP 503), 2.1s into the bake of sandbox-eu-west-1',
    );
    const done: RolloutOutcome = { id: ID, report: { status: 'done', rollout: ID, commit: rollout.commit, applied: [SHARED, WEST, EU] } };
    const finished = judge(done, []);
    expect(finished.problems).toEqual(['expected the rollout to halt in the bake of sandbox-eu-west-1; it finished']);
    expect(finished.report).toMatchObject({ status: 'done', neverApplied: [], badChangeReached: ['eu-west-1'], decisionNamedChange: false });
    expect(judge(done, [], {}).problems).toEqual([]);
    const refused = judge({ id: ID, error: 'refused: automation is paused' }, []);
    expect(refused.report).toMatchObject({ status: 'refused', applied: [], neverApplied: rollout.stacks });
    expect(refused.problems).toEqual(['the rollout did not start: refused: automation is paused']);
  });

  it('renders what was applied and never applied, the regions reached, the halt against the bake and the naming decision', () => {
    expect(renderRollout(judge(halted()).report)).toEqual([
      `  rollout ${ID} (bad0c4a, bake 6.00s): halted at sandbox-eu-west-1: eu-west-1 failed: api failed from 3/4 vantage points (HTTP 503), 2.1s into the bake of sandbox-eu-west-1`,
      '    applied             sandbox-shared, sandbox-us-west-2, sandbox-eu-west-1',
      '    never applied       sandbox-us-east-1, sandbox-endpoints',
      '    bad change reached  eu-west-1 (1 of at most 1)',
      '    halted after        2.10s of the 6.00s bake (within one bake)',
      `    decision named it   yes: ${NAMING}`,
    ]);
  });
});

describe('watching a rehearsal', () => {
  it('is settled once the rollout ended and, if it halted on a change, a decision named it', () => {
    expect(rehearsalSettled(undefined, rollout.commit, [NAMING])).toBe(false);
    expect(rehearsalSettled(halted(), rollout.commit, [])).toBe(false);
    expect(rehearsalSettled(halted(), rollout.commit, [NAMING])).toBe(true);
    expect(rehearsalSettled({ id: ID, error: 'refused' }, rollout.commit, [])).toBe(true);
  });

  it('gives the deployment an operator token of the drill\'s own, and reports a controller it cannot reach', async () => {
    const { config: withToken, token } = withDrillToken(config);
    expect(withToken.api.tokens.at(-1)).toEqual({ name: 'drill', role: 'operator', sha256: sha256Hex(token) });
    expect(config.api.tokens.some((t) => t.name === 'drill')).toBe(false);

    const injected: unknown[] = [];
    const outcome = await rehearseRollout(rollout, { api: { baseUrl: 'http://127.0.0.1:9', token }, inject: (fault) => injected.push(fault), progress: () => undefined });
    expect(outcome).toEqual({ id: expect.stringMatching(/^rollout-/), error: expect.any(String) });
    expect(injected).toEqual([]);
  });
});
