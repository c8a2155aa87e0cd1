import { describe, expect, it } from 'vitest';
import { assess } from '../../../../controller/domain/assess.js';
import { decide, initialTopology } from '../../../../controller/domain/decide.js';
import type { Command, Decision, PlanReport, Topology } from '../../../../controller/domain/types.js';
import { allVantages, config, database, world, writerDown, writerUp } from './fixtures.js';

/** The primary region gone: its app fails from every vantage point and its writer does not answer. */
const outage = (at: number) => assess([...world(at, { 'us-east-1': allVantages('failed') }), writerDown('us-east-1', at)], config, at);
/** The primary's app failing while the region under it is fine (writer reachable, replication flowing). */
const appOutage = (at: number) => assess([...world(at, { 'us-east-1': { 'us-east-1': 'failed', 'us-west-2': 'failed', 'eu-west-1': 'failed' } }), ...writerUp('us-east-1', at)], config, at);
const healthy = (at: number) => assess(world(at), config, at);
/** These tests confirm for 1 s; `confirmFor: 0` (acting on the verdict alone) has its own test. */
const confirming = { ...config, detection: { ...config.detection, confirmFor: 1000 } };
const run = (topology: Topology, at: number, assessment = healthy(at), commands: Command[] = [], db = database(at), plan?: PlanReport, leaseToken?: number) =>
  decide(topology, { assessment, commands, database: db, readiness: undefined, plan, leaseToken }, confirming, at);
/** The journal's word on a plan, as the lease holder reads it. */
const report = (planId: string, status: PlanReport['status'], more: Partial<PlanReport> = {}): PlanReport => ({ planId, status, changed: [], fenceToken: 1, ...more });
const last = (decisions: Decision[]) => decisions[decisions.length - 1]!;

describe('decide: automation', () => {
  it('holds with a reason while the primary is healthy', () => {
    const { topology, decisions } = run(initialTopology(config), 1000);
    expect(topology.phase).toBe('steady');
    expect(decisions).toEqual([{ kind: 'none', at: 1000, reason: 'no action: primary us-east-1 healthy' }]);
  });

  it('suspects, accrues the cost of staying, and fails over once it exceeds the cost of moving (and confirmFor has passed)', () => {
    let t = initialTopology(config);
    const first = run(t, 1000, outage(1000));
    t = first.topology;
    expect(t).toMatchObject({ phase: 'suspect', suspectSince: 1000, pressure: 0 });
    expect(last(first.decisions).reason).toMatch(/^suspect: primary us-east-1 failed: api failed from 5\/5 .*database: writer unreachable for 3 reads\); confirming for 1s, 0ms so far; cost of staying 0 is below cost of moving 11.8/);
    const confirmed = run(t, 2000, outage(2000));
    const flip = last(confirmed.decisions);
    expect(flip).toMatchObject({ kind: 'flip', operation: 'failover', mode: 'unplanned', trigger: 'automatic', from: 'us-east-1', to: 'us-west-2' });
    expect(flip.reason).toBe(
      "failover us-east-1 -> us-west-2: regional outage confirmed by 5/5 vantage points for 1s; cost of staying 16.8 exceeds cost of moving 11.8 (staying: app errors 1/s + Route 53's checkers agree 0.8/s + writer unreachable for 3 reads 15/s; replication not read; moving: failover 11 + data at risk 0.8 (lag 200ms of the 5s RPO budget))",
    );
    expect(confirmed.topology).toMatchObject({ phase: 'failing-over', flips: [2000], active: { to: 'us-west-2' } });
    expect(confirmed.topology.pressure).toBeUndefined();
  });

  it('waits for confirmFor even when staying already costs more than moving', () => {
    const slow = { ...config, detection: { ...config.detection, confirmFor: 3000 } };
    const step = (t: Topology, at: number) => decide(t, { assessment: outage(at), commands: [], database: database(at), readiness: undefined }, slow, at);
    let t = step(initialTopology(config), 0).topology;
    const early = step(t, 2000);
    expect(last(early.decisions).reason).toMatch(/^suspect: .*; confirming for 3s, 2s so far; cost of staying 23.6 exceeds cost of moving 11.8/);
    // 2s at 16.8/s, capped at twice the cost of moving.
    expect(early.topology.pressure).toBeCloseTo(23.6);
    t = early.topology;
    expect(last(step(t, 3000).decisions).kind).toBe('flip');
  });

  it('waits out an app-only failure for as long as staying costs less than moving', () => {
    const immediate = { ...config, detection: { ...config.detection, confirmFor: 0 } };
    let t = initialTopology(config);
    const kinds: string[] = [];
    for (let at = 0; at <= 20_000; at += 1000) {
      const result = decide(t, { assessment: appOutage(at), commands: [], database: database(at), readiness: undefined }, immediate, at);
      t = result.topology;
      kinds.push(last(result.decisions).kind);
      if (last(result.decisions).kind === 'flip') {
        expect(last(result.decisions).reason).toMatch(/3\/3 vantage points for 12s; cost of staying 12 exceeds cost of moving 11.8 \(staying: app errors 1\/s; writer reachable, replication flowing; moving/);
        break;
      }
    }
    expect(kinds.indexOf('flip')).toBe(12);
  });

  it('decides a move on the cost accrued before the app answered again: a failure that comes back counts it all, one that ends fades from it', () => {
    const immediate = { ...config, detection: { ...config.detection, confirmFor: 0 } };
    // Two of the three replicas got a good answer to their newest probe; their windows still call the app failed.
    const answering = (at: number, good: number) =>
      assess([...world(at, { 'us-east-1': { 'us-east-1': 'failed', 'us-west-2': 'failed', 'eu-west-1': 'failed' } }).map((s) => (s.region === 'us-east-1' && ['us-east-1', 'us-west-2'].includes(s.vantage) ? { ...s, ok: 1, failed: 4, failStreak: undefined, okStreak: good, goodStreak: good } : s)), ...writerUp('us-east-1', at)], config, at);
    const step = (t: Topology, at: number, assessment = appOutage(at)) => decide(t, { assessment, commands: [], database: database(at), readiness: undefined }, immediate, at);
    let t = initialTopology(config);
    for (let at = 0; at <= 10_000; at += 1000) t = step(t, at).topology;
    expect(t.pressure).toBeCloseTo(10);
    const first = step(t, 11_000, answering(11_000, 1));
    expect(last(first.decisions).reason).toMatch(/cost of staying 10 is below cost of moving 11.8 .*; answered well again: 1 of 3 failing vantage points failed the newest probe, fewer than the 2 needed: deciding on the cost before those answers \(11 with them\); waiting$/);
    const second = step(first.topology, 12_000, answering(12_000, 2));
    expect(second.topology).toMatchObject({ pressure: 12, pressureBeforeAnswers: 10 });
    expect(last(second.decisions).kind).toBe('none');
    // The failure comes back: everything accrued counts again.
    expect(last(step(second.topology, 13_000).decisions)).toMatchObject({ kind: 'flip' });
    // The failure ends: what accrued while the app answered was the windows' memory of it.
    const over = step(second.topology, 13_000, healthy(13_000));
    expect(over.topology.pressure).toBeCloseTo(9);
    expect(over.topology.pressureBeforeAnswers).toBeUndefined();
  });

  it('prefers the standby with less lag', () => {
    let t = run(initialTopology(config), 0, outage(0)).topology;
    const result = run(t, 5000, outage(5000), [], database(5000, { 'us-west-2': 3000, 'eu-west-1': 100 }));
    t = result.topology;
    expect(t.active?.to).toBe('eu-west-1');
  });

  it('keeps a young suspicion through a flicker, fades what it accrued, and returns to steady once nothing is left', () => {
    let t = run(initialTopology(config), 0, outage(0)).topology;
    const flicker = run(t, 500, healthy(500));
    expect(flicker.topology.phase).toBe('suspect');
    expect(last(flicker.decisions).reason).toBe('no action: primary us-east-1 healthy; suspicion fading: cost of staying 0 left (fades at 1/s)');
    // The suspicion kept its start: back a second later, the outage is confirmed and staying costs more than moving.
    expect(last(run(flicker.topology, 1500, outage(1500)).decisions)).toMatchObject({ kind: 'flip' });
    t = { ...flicker.topology, pressure: 10, pressureAt: 1000 };
    const fading = run(t, 6000, healthy(6000));
    expect(fading.topology.pressure).toBeCloseTo(5);
    const over = run(fading.topology, 30_000, healthy(30_000));
    expect(over.topology.phase).toBe('steady');
    expect(last(over.decisions).reason).toBe('primary us-east-1 recovered after 30s; no action: primary us-east-1 healthy');
  });

  it('stops accruing once the vantage points see the primary answered again, though their windows still call it failed', () => {
    const answered = (at: number) => assess([...world(at, { 'us-east-1': allVantages('failed') }).map((s) => ({ ...s, okStreak: 3 })), writerDown('us-east-1', at)], config, at);
    const t = run(initialTopology(config), 0, outage(0)).topology;
    const result = run(t, 1000, answered(1000));
    expect(result.topology.pressure).toBeCloseTo(0);
    expect(last(result.decisions).reason).toMatch(/^no action: primary us-east-1 failed, answering again; suspicion fading/);
  });

  it('refuses with the guard reason when lag exceeds the RPO budget, and keeps suspecting', () => {
    const t = run(initialTopology(config), 0, outage(0)).topology;
    const result = run(t, 5000, outage(5000), [], database(5000, { 'us-west-2': 60_000, 'eu-west-1': 60_000 }));
    expect(last(result.decisions)).toMatchObject({ kind: 'refuse' });
    expect(last(result.decisions).reason).toMatch(/^refused failover us-east-1 -> us-west-2: .*lag 1m exceeds the RPO budget 5s/);
    expect(result.topology.phase).toBe('suspect');
  });

  it('never fails over on a global failure and says why', () => {
    const global = assess(world(0, { 'us-east-1': allVantages('failed'), 'us-west-2': allVantages('failed'), 'eu-west-1': allVantages('failed') }), config, 0);
    const result = run(initialTopology(config), 0, global);
    expect(last(result.decisions).reason).toMatch(/^no failover: global: us-east-1, us-west-2, eu-west-1 failing alike/);
  });

  it('only reports when automatic failover is off', () => {
    const manualOnly = { ...config, failover: { ...config.failover, automatic: false } };
    const t = decide(initialTopology(config), { assessment: outage(0), commands: [], database: database(0), readiness: undefined }, { ...manualOnly, detection: confirming.detection }, 0).topology;
    const result = decide(t, { assessment: outage(5000), commands: [], database: database(5000), readiness: undefined }, manualOnly, 5000);
    expect(last(result.decisions).reason).toMatch(/would fail over us-east-1 -> us-west-2 .* automatic failover is off; run `fcp failover --to us-west-2`/);
  });
});

describe('decide: commands and plan outcomes', () => {
  const cmd = <C extends Command>(c: C): C => c;

  it('runs a manual switchover, then records the new primary when the plan finishes', () => {
    const started = run(initialTopology(config), 0, healthy(0), [cmd({ kind: 'switchover', id: 'c1', to: 'eu-west-1', reason: 'game day', actor: 'alice', at: 0 })]);
    expect(started.decisions[0]).toMatchObject({ kind: 'flip', operation: 'switchover', mode: 'planned', trigger: 'manual', commandId: 'c1', actor: 'alice' });
    expect(last(started.decisions).reason).toMatch(/^waiting: plan plan-1-switchover/);
    const running = run(started.topology, 5000, healthy(5000), [], database(5000), report(started.topology.active!.planId, 'running'));
    expect(running.topology).toEqual(started.topology);
    const done = run(started.topology, 9000, healthy(9000), [], database(9000), report(started.topology.active!.planId, 'succeeded', { changed: ['promote-database', 'flip-traffic'] }));
    expect(done.topology).toMatchObject({ phase: 'steady', primary: 'eu-west-1' });
    expect(done.topology.active).toBeUndefined();
    expect(done.decisions[0]!.reason).toBe('switchover us-east-1 -> eu-west-1 completed in 9s; primary is now eu-west-1');
  });

  it('after an unplanned failover, remembers the lost primary until failback', () => {
    let t: Topology = { ...initialTopology(config), phase: 'failing-over', active: { planId: 'p1', operation: 'failover', mode: 'unplanned', from: 'us-east-1', to: 'us-west-2', startedAt: 0 }, flips: [0], sequence: 1 };
    t = run(t, 1000, healthy(1000), [], database(1000, {}, 'us-west-2'), report('p1', 'succeeded', { changed: ['flip-traffic'] })).topology;
    expect(t).toMatchObject({ phase: 'failed-over', primary: 'us-west-2', lostPrimary: 'us-east-1' });
    const back = run(t, 3_600_000, healthy(3_600_000), [cmd({ kind: 'failback', id: 'c2', reason: 'us-east-1 recovered', actor: 'alice', at: 3_600_000 })], database(3_600_000, { 'us-east-1': 100 }, 'us-west-2'));
    expect(back.decisions[0]).toMatchObject({ kind: 'flip', operation: 'failback', mode: 'planned', from: 'us-west-2', to: 'us-east-1' });
    expect(back.topology.phase).toBe('failing-back');
    const home = run(back.topology, 3_700_000, healthy(3_700_000), [], database(3_700_000), report(back.topology.active!.planId, 'succeeded')).topology;
    expect(home).toMatchObject({ phase: 'steady', primary: 'us-east-1' });
    expect(home.lostPrimary).toBeUndefined();
  });

  it('adopts the database writer as primary when it moved outside the controller (break-glass)', () => {
    const result = run(initialTopology(config), 1000, healthy(1000), [], database(1000, {}, 'us-west-2'));
    expect(result.topology).toMatchObject({ primary: 'us-west-2', phase: 'failed-over', lostPrimary: 'us-east-1' });
    expect(result.decisions[0]!.reason).toBe('adopted us-west-2 as primary: the database writer moved there outside the controller (recorded primary was us-east-1)');
    const during = run({ ...initialTopology(config), active: { planId: 'p', operation: 'switchover', mode: 'planned', from: 'us-east-1', to: 'us-west-2', startedAt: 0 } }, 1000, healthy(1000), [], database(1000, {}, 'us-west-2'));
    expect(during.topology.primary).toBe('us-east-1');
  });

  it('keeps the primary when a plan fails, says so, and keeps the suspicion that started it', () => {
    const t: Topology = { ...initialTopology(config), phase: 'failing-over', active: { planId: 'p1', operation: 'failover', mode: 'unplanned', from: 'us-east-1', to: 'us-west-2', startedAt: 0 }, flips: [0], sequence: 1 };
    const result = run(t, 5000, healthy(5000), [], database(5000), report('p1', 'failed', { error: 'AccessDenied on SwitchoverGlobalCluster' }));
    expect(result.topology).toMatchObject({ phase: 'suspect', suspectSince: 0, primary: 'us-east-1', lastFailure: { planId: 'p1', to: 'us-west-2', error: 'AccessDenied on SwitchoverGlobalCluster', changed: [], failures: 1 } });
    // The primary looks healthy now: the suspicion fades instead of moving again.
    expect(last(result.decisions).reason).toMatch(/^no action: primary us-east-1 healthy; suspicion fading/);
    expect(result.decisions[0]!.reason).toBe(
      'plan p1 (failover us-east-1 -> us-west-2) failed after 5s, changing nothing (no flip counted, no cooldown started): AccessDenied on SwitchoverGlobalCluster; primary is still us-east-1',
    );
  });

  it.each([
    { name: 'unknown region', command: cmd({ kind: 'failover', id: 'c', to: 'us-west-9', reason: 'r', actor: 'a', at: 0 }), reason: /"us-west-9" is not a configured region/ },
    { name: 'the current primary', command: cmd({ kind: 'failover', id: 'c', to: 'us-east-1', reason: 'r', actor: 'a', at: 0 }), reason: /us-east-1 is already the primary/ },
    { name: 'failback when already home', command: cmd({ kind: 'failback', id: 'c', reason: 'r', actor: 'a', at: 0 }), reason: /already the primary/ },
    { name: 'a switchover to an unhealthy target', command: cmd({ kind: 'switchover', id: 'c', to: 'eu-west-1', reason: 'r', actor: 'a', at: 0 }), reason: /^refused manual switchover us-east-1 -> eu-west-1 by a: r: target eu-west-1 is not healthy: degraded/ },
  ])('refuses $name with a reason and changes nothing', ({ command, reason }) => {
    const before = initialTopology(config);
    const result = run(before, 0, assess(world(0, { 'eu-west-1': allVantages('degraded') }), config, 0), [command]);
    expect(result.decisions[0]).toMatchObject({ kind: 'refuse', commandId: 'c' });
    expect(result.decisions[0]!.reason).toMatch(reason);
    expect(result.topology).toEqual(before);
  });

  it('refuses a manual failover during a global failure unless forced, and audits the override', () => {
    const global = assess(world(0, { 'us-east-1': allVantages('failed'), 'us-west-2': allVantages('failed'), 'eu-west-1': allVantages('failed') }), config, 0);
    const command = cmd({ kind: 'failover', id: 'c', to: 'us-west-2', reason: 'r', actor: 'a', at: 0 });
    expect(run(initialTopology(config), 0, global, [command]).decisions[0]!.reason).toMatch(/failover cannot help: global/);
    const forced = run(initialTopology(config), 0, global, [{ ...command, force: true }]).decisions[0]!;
    expect(forced).toMatchObject({ kind: 'flip' });
    expect(forced.reason).toMatch(/\(forced past: classification, target-healthy\)$/);
  });

  it('refuses a second concurrent flip', () => {
    const first = run(initialTopology(config), 0, healthy(0), [cmd({ kind: 'switchover', id: 'c1', to: 'us-west-2', reason: 'r', actor: 'a', at: 0 })]);
    const second = run(first.topology, 10, healthy(10), [cmd({ kind: 'switchover', id: 'c2', to: 'eu-west-1', reason: 'r', actor: 'b', at: 10 })]);
    expect(second.decisions[0]!.reason).toMatch(/plan plan-1-switchover-us-east-1-to-us-west-2 .* is still running/);
  });

  it('pauses and resumes automation', () => {
    const paused = run(initialTopology(config), 0, outage(0), [cmd({ kind: 'pause', id: 'p', reason: 'infra change', actor: 'bob', at: 0 })]);
    expect(paused.topology.paused).toEqual({ reason: 'infra change', actor: 'bob', at: 0 });
    const refused = run(paused.topology, 5000, outage(5000));
    expect(last(refused.decisions).reason).toMatch(/automation paused by bob: infra change/);
    const resumed = run(refused.topology, 6000, healthy(6000), [cmd({ kind: 'resume', id: 'r', reason: 'done', actor: 'bob', at: 6000 })]);
    expect(resumed.topology.paused).toBeUndefined();
    expect(resumed.decisions[0]!.reason).toBe('automation resumed by bob: done');
  });
});

describe('decide: after a failed plan', () => {
  const failing: Topology = { ...initialTopology(config), phase: 'failing-over', active: { planId: 'p1', operation: 'failover', mode: 'unplanned', from: 'us-east-1', to: 'us-west-2', startedAt: 0 }, flips: [0], sequence: 1 };
  const immediate = { ...config, detection: { ...config.detection, confirmFor: 0 } };
  const step = (topology: Topology, at: number, plan?: PlanReport, leaseToken = 2) =>
    decide(topology, { assessment: outage(at), commands: [], database: database(at), readiness: undefined, plan, leaseToken }, immediate, at);

  it('a plan that changed nothing gives its flip back, and the next holder re-decides at once naming the failure', () => {
    const result = step(failing, 4000, report('p1', 'failed', { error: 'AccessDenied: check-target-ready', fenceToken: 1 }));
    expect(result.decisions.map((d) => d.kind)).toEqual(['plan-finished', 'flip']);
    const flip = result.decisions[1]!;
    expect(flip).toMatchObject({ kind: 'flip', from: 'us-east-1', to: 'us-west-2' });
    expect(flip.reason).toMatch(/^failover us-east-1 -> us-west-2: regional outage confirmed by 5\/5 vantage points for 4s; cost of staying 23.6 exceeds cost of moving 11.8 .*; after plan p1 \(failover us-east-1 -> us-west-2\) failed 0ms ago: AccessDenied: check-target-ready$/);
    // The failed plan's flip is gone; only the new one counts.
    expect(result.topology.flips).toEqual([4000]);
  });

  it('the holding whose plan failed tries another healthy target first, and the same one only after the backoff', () => {
    const own = step(failing, 4000, report('p1', 'failed', { error: 'target not ready', fenceToken: 2 }));
    expect(own.decisions[1]).toMatchObject({ kind: 'flip', to: 'eu-west-1' });
    const onlyOne = { ...failing, active: { ...failing.active!, to: 'us-west-2' } };
    const noOther = (at: number) => assess(world(at, { 'us-east-1': allVantages('failed'), 'eu-west-1': allVantages('degraded') }), config, at);
    const first = decide(onlyOne, { assessment: noOther(4000), commands: [], database: database(4000), readiness: undefined, plan: report('p1', 'failed', { error: 'target not ready', fenceToken: 2 }), leaseToken: 2 }, immediate, 4000);
    expect(first.decisions[1]).toMatchObject({ kind: 'refuse' });
    expect(first.decisions[1]!.reason).toMatch(/plan p1 to us-west-2 failed 0ms ago under this lease holder \(target not ready\); trying it again in 30s/);
    const later = decide(first.topology, { assessment: noOther(34_000), commands: [], database: database(34_000), readiness: undefined, leaseToken: 2 }, immediate, 34_000);
    expect(later.decisions[0]).toMatchObject({ kind: 'flip', to: 'us-west-2' });
  });

  it('a plan that changed something counts as a flip, and only finishing that same flip passes the cooldown', () => {
    const partial = step(failing, 4000, report('p1', 'failed', { error: 'promotion timed out', changed: ['fence-old-writer'], fenceToken: 1 }));
    expect(partial.decisions[0]!.reason).toMatch(/failed after 4s, after changing fence-old-writer \(the database writer did not move\): promotion timed out/);
    expect(partial.decisions[1]).toMatchObject({ kind: 'flip', to: 'us-west-2' });
    expect(partial.decisions[1]!.kind === 'flip' && partial.decisions[1]!.guards.find((g) => g.guard === 'cooldown')?.reason).toMatch(/finishes the flip of plan p1/);
    expect(partial.topology.flips).toEqual([0]);
    // Elsewhere, the cooldown of the counted flip holds.
    const elsewhere = decide(
      { ...partial.topology, active: undefined, phase: 'steady' },
      { assessment: outage(5000), commands: [{ kind: 'failover', id: 'c', to: 'eu-west-1', reason: 'r', actor: 'a', at: 5000 }], database: database(5000), readiness: undefined, leaseToken: 2 },
      immediate,
      5000,
    );
    expect(elsewhere.decisions[0]!.reason).toMatch(/cooldown: last flip 5s ago/);
  });

  it('abandons a plan the journal never recorded, as one that changed nothing', () => {
    const result = step(failing, 2000, report('p1', 'missing', { fenceToken: 0 }));
    expect(result.decisions[0]).toMatchObject({ kind: 'plan-finished', status: 'abandoned', ok: false });
    expect(result.decisions[0]!.reason).toMatch(/abandoned after 2s, changing nothing .*: the journal has no record of the plan/);
    expect(result.decisions[1]).toMatchObject({ kind: 'flip' });
  });

  it('a success clears the remembered failure', () => {
    const failed = step(failing, 4000, report('p1', 'failed', { error: 'x', fenceToken: 1 })).topology;
    const done = step(failed, 9000, report(failed.active!.planId, 'succeeded', { changed: ['promote-database'] }));
    expect(done.topology.lastFailure).toBeUndefined();
    expect(done.topology.primary).toBe('us-west-2');
  });
});
