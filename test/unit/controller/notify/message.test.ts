import { describe, expect, it } from 'vitest';
import type { Decision } from '../../../../controller/domain/types.js';
import type { ExecutorEvent } from '../../../../controller/executor/executor.js';
import type { Plan, PlanStep } from '../../../../controller/domain/types.js';
import { announceExecutorEvent, DecisionAnnouncer, renderText } from '../../../../controller/notify/message.js';
import { assessment, flip, none } from './fixtures.js';

describe('DecisionAnnouncer', () => {
  it('announces a `none` decision only when its reason changes', () => {
    const announcer = new DecisionAnnouncer('replica/us-west-2');
    const titles = [none('no action: primary healthy'), none('no action: primary healthy'), none('us-east-1 suspect'), none('us-east-1 suspect'), none('no action: primary healthy')].map(
      (d) => announcer.announce(d, assessment)?.title,
    );
    expect(titles).toEqual(['no action: primary healthy', undefined, 'us-east-1 suspect', undefined, 'no action: primary healthy']);
  });

  const always: { decision: Decision; severity: string; title: RegExp }[] = [
    { decision: flip, severity: 'critical', title: /^failover us-east-1 -> us-west-2 \(automatic, plan plan-7\)$/ },
    { decision: { kind: 'refuse', at: 1, reason: 'global failure: failover cannot help', guards: [{ guard: 'classification', ok: false, reason: 'every region failing' }], commandId: 'cmd-1', actor: 'user/alice' }, severity: 'warning', title: /^refused: global failure/ },
    { decision: { kind: 'pause', at: 1, reason: 'DB maintenance', commandId: 'c1', actor: 'user/bob' }, severity: 'warning', title: /paused by user\/bob/ },
    { decision: { kind: 'resume', at: 1, reason: 'done', commandId: 'c2', actor: 'user/bob' }, severity: 'warning', title: /resumed by user\/bob/ },
    { decision: { kind: 'plan-finished', at: 1, planId: 'p', ok: false, status: 'failed', changed: [], reason: 'step 3 failed' }, severity: 'critical', title: /plan p failed/ },
    { decision: { kind: 'plan-finished', at: 1, planId: 'p', ok: false, status: 'abandoned', changed: [], reason: 'no journal' }, severity: 'critical', title: /plan p abandoned/ },
  ];
  it.each(always)('announces $decision.kind every time, even with the same reason (refusals: of a command)', ({ decision, severity, title }) => {
    const announcer = new DecisionAnnouncer('replica/us-west-2');
    for (let i = 0; i < 2; i++) {
      const n = announcer.announce(decision, assessment);
      expect(n?.severity).toBe(severity);
      expect(n?.title).toMatch(title);
    }
  });

  it('announces an automatic refusal once while only its timers change, and again when the reason does', () => {
    const announcer = new DecisionAnnouncer('replica/us-west-2');
    const refuse = (reason: string, commandId?: string): Decision => ({ kind: 'refuse', at: 1, reason, guards: [], ...(commandId && { commandId, actor: 'user/alice' }) });
    const titles = [
      refuse('refused failover: cooldown: last flip 47.3s ago, cooldown is 10m'),
      refuse('refused failover: cooldown: last flip 48.3s ago, cooldown is 10m'),
      refuse('refused failover: cooldown: last flip 49.3s ago, cooldown is 10m', 'cmd-1'),
      refuse('no failover: global: every region failing; failover cannot help'),
    ].map((d) => announcer.announce(d, assessment)?.title);
    expect(titles).toEqual([
      'refused: refused failover: cooldown: last flip 47.3s ago, cooldown is 10m',
      undefined,
      'refused: refused failover: cooldown: last flip 49.3s ago, cooldown is 10m',
      'refused: no failover: global: every region failing; failover cannot help',
    ]);
  });

  it('does not repeat a `none` decision whose reason only counts time', () => {
    const announcer = new DecisionAnnouncer('r');
    const reasons = ['waiting: plan p-1 running for 984ms', 'waiting: plan p-1 running for 2.0s', 'waiting: plan p-1 running for 1m05s', 'no action: primary us-west-2 healthy'];
    expect(reasons.map((r) => announcer.announce(none(r), assessment)?.title)).toEqual(['waiting: plan p-1 running for 984ms', undefined, undefined, 'no action: primary us-west-2 healthy']);
  });

  it('lists overridden guards of a forced flip and failed guards of a refusal', () => {
    const announcer = new DecisionAnnouncer('r');
    expect(announcer.announce(flip, assessment)?.details).toContain('guard cooldown overridden (--force): no flip in the last 10m');
    const refused = announcer.announce(always[1]!.decision, assessment);
    expect(refused?.details).toEqual(['requested by user/alice', 'guard classification: every region failing']);
  });
});

describe('announceExecutorEvent', () => {
  const plan: Plan = { id: 'plan-7', operation: 'failover', mode: 'unplanned', trigger: 'manual', from: 'us-east-1', to: 'us-west-2', reason: 'INC-1', createdAt: 0, overridden: [], steps: [] };
  const step: PlanStep = { index: 3, kind: 'promote-database', title: 'promote', skipWhen: '', deadlineMs: 1000, params: {} };
  const cases: { event: ExecutorEvent; title: RegExp | undefined }[] = [
    { event: { type: 'plan-start', plan, resumed: false, at: 0 }, title: /plan plan-7 started: failover us-east-1 -> us-west-2/ },
    { event: { type: 'plan-start', plan, resumed: true, at: 0 }, title: /plan plan-7 resumed/ },
    { event: { type: 'step-start', planId: 'plan-7', step, attempt: 1, at: 0 }, title: undefined },
    { event: { type: 'step-end', planId: 'plan-7', step, outcome: { status: 'done' }, ms: 1500, waitedMs: 0, at: 0 }, title: /step 3 promote-database: done in 1\.5s/ },
    { event: { type: 'step-end', planId: 'plan-7', step, outcome: { status: 'skipped' }, ms: 20, waitedMs: 0, at: 0 }, title: /step 3 promote-database: already done in 20ms/ },
    { event: { type: 'step-end', planId: 'plan-7', step, outcome: { status: 'failed', error: 'AccessDenied' }, ms: 10, waitedMs: 0, at: 0 }, title: /step 3 promote-database: failed/ },
    { event: { type: 'plan-end', planId: 'plan-7', ok: true, at: 0, ms: 20_000, waitedMs: 0 }, title: /plan plan-7 succeeded/ },
    { event: { type: 'plan-stopped', planId: 'plan-7', reason: 'lease lost', at: 0 }, title: /stopped on this replica: lease lost/ },
  ];
  it.each(cases)('$event.type -> $title', ({ event, title }) => {
    const n = announceExecutorEvent(event, 'replica/us-west-2');
    if (title === undefined) expect(n).toBeUndefined();
    else expect(n?.title).toMatch(title);
  });

  it('a failed step carries its error, rendered in the text', () => {
    const n = announceExecutorEvent(cases[5]!.event, 'replica/us-west-2')!;
    expect(n.severity).toBe('critical');
    expect(renderText(n)).toContain('  AccessDenied');
  });
});

describe('a decision that names a recent infrastructure change', () => {
  it('is announced with the change in its title, once while it holds', () => {
    const announcer = new DecisionAnnouncer('replica/us-west-2');
    const named = () => none('no action: primary us-east-1 healthy; eu-west-1 failing since 4s after change abc1234 to eu-west-1 (stack prod-eu-west-1, PR #42)');
    expect(announcer.announce(named(), assessment)?.title).toBe('no action: primary us-east-1 healthy; eu-west-1 failing since 4s after change abc1234 to eu-west-1 (stack prod-eu-west-1, PR #42)');
    expect(announcer.announce(named(), assessment)).toBeUndefined();
  });
});
