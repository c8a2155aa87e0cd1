import { describe, expect, it } from 'vitest';
import { annotate, changeNotes, CHANGE_LOOKBACK_MS, FailureOnsets } from '../../../../controller/changes/notes.js';
import type { Assessment, Decision, Health } from '../../../../controller/domain/types.js';
import type { ChangeRecord } from '../../../../controller/store/api-records.js';

const T0 = 1_700_000_000_000;

function assessment(health: Record<string, Health>, classification: Assessment['classification'] = 'none'): Assessment {
  const verdicts = Object.fromEntries(Object.entries(health).map(([region, h]) => [region, { region, health: h, failedVantages: 0, reportingVantages: 3, summary: h, evidence: [] }]));
  return { at: T0, verdicts, classification, cutOffVantages: [], reason: classification };
}

const change = (id: string, regions: string[], startedAt: number, extra: Partial<ChangeRecord> = {}): ChangeRecord => ({
  id, stack: `prod-${regions.length > 1 ? 'shared' : regions[0]}`, regions, commit: `${id}0000000000`, startedAt, startedBy: 'deploy', ...extra,
});

describe('change notes', () => {
  const changes = [
    change('aaa1111', ['us-west-2'], T0 - 10 * 60_000, { pr: 41, finishedAt: T0 - 9 * 60_000, outcome: 'applied' }),
    change('bbb2222', ['eu-west-1'], T0 - 3 * 60_000, { pr: 42, rollout: 'r-7', finishedAt: T0 - 2 * 60_000, outcome: 'applied' }),
    change('ccc3333', ['us-west-2'], T0 - 2 * 60_000, { rollout: 'r-7' }),
  ];

  it('names the newest change to a failing region that started before the failure did', () => {
    const notes = changeNotes({ assessment: assessment({ 'us-east-1': 'healthy', 'us-west-2': 'healthy', 'eu-west-1': 'failed' }), changes, onsets: { 'eu-west-1': T0 - 60_000 }, now: T0 });
    expect(notes).toEqual([{ region: 'eu-west-1', changeId: 'bbb2222', text: 'eu-west-1 failing since 2m after change bbb2222 to eu-west-1 (stack prod-eu-west-1, PR #42, rollout r-7)' }]);
  });

  it('without a known onset, says how long after the change it is failing now', () => {
    const notes = changeNotes({ assessment: assessment({ 'us-west-2': 'degraded' }), changes, now: T0 });
    expect(notes.map((n) => n.text)).toEqual(['us-west-2 degraded 2m after change ccc3333 to us-west-2 (stack prod-us-west-2, rollout r-7)']);
  });

  it('passes over a change that started after the failure began, or longer ago than the lookback', () => {
    expect(changeNotes({ assessment: assessment({ 'us-west-2': 'failed' }), changes, onsets: { 'us-west-2': T0 - 5 * 60_000 }, now: T0 }).map((n) => n.changeId)).toEqual(['aaa1111']);
    const old = [change('ddd4444', ['us-east-1'], T0 - CHANGE_LOOKBACK_MS - 1)];
    expect(changeNotes({ assessment: assessment({ 'us-east-1': 'failed' }), changes: old, now: T0 })).toEqual([]);
    expect(changeNotes({ assessment: assessment({ 'us-east-1': 'healthy' }), changes, now: T0 })).toEqual([]);
  });

  it('for a global failure, names the change to roll back: the last one started before it began', () => {
    const all = { 'us-east-1': 'failed', 'us-west-2': 'failed', 'eu-west-1': 'failed' } as const;
    const notes = changeNotes({ assessment: assessment(all, 'global'), changes, onsets: { 'us-east-1': T0 - 30_000, 'us-west-2': T0 - 90_000, 'eu-west-1': T0 - 60_000 }, now: T0 });
    expect(notes).toEqual([{ changeId: 'ccc3333', text: 'global failure began 30s after change ccc3333 to us-west-2 (stack prod-us-west-2, rollout r-7) started: roll back ccc3333' }]);
  });

  it('annotates what a decision says, not a plan outcome', () => {
    const notes = [{ region: 'eu-west-1', changeId: 'x', text: 'eu-west-1 failing since 1s after change x to eu-west-1 (stack s)' }];
    const none: Decision = { kind: 'none', at: T0, reason: 'no action: primary us-east-1 healthy' };
    annotate(none, notes);
    expect(none.reason).toBe('no action: primary us-east-1 healthy; eu-west-1 failing since 1s after change x to eu-west-1 (stack s)');
    const finished: Decision = { kind: 'plan-finished', at: T0, planId: 'p', ok: true, status: 'succeeded', changed: [], reason: 'done' };
    annotate(finished, notes);
    expect(finished.reason).toBe('done');
  });
});

describe('failure onsets', () => {
  it('remember when each region started failing or degrading, until it is healthy again', () => {
    const onsets = new FailureOnsets();
    expect(onsets.observe(assessment({ a: 'healthy', b: 'failed' }), 1)).toEqual({ b: 1 });
    expect(onsets.observe(assessment({ a: 'degraded', b: 'failed' }), 2)).toEqual({ a: 2, b: 1 });
    expect(onsets.observe(assessment({ a: 'failed', b: 'healthy' }), 3)).toEqual({ a: 2 });
    expect(onsets.observe(assessment({ a: 'unknown', b: 'failed' }), 4)).toEqual({ b: 4 });
  });
});
