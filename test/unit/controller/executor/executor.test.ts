import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../../kernel/clock.js';
import { buildPlan } from '../../../../controller/domain/plan.js';
import type { Decision, FlipMode, Plan } from '../../../../controller/domain/types.js';
import { executePlan, type ExecutorDeps, type ExecutorEvent } from '../../../../controller/executor/executor.js';
import type { Lease } from '../../../../controller/store/state-store.js';
import { config } from '../domain/fixtures.js';
import { startStoreFixture, type StoreFixture } from '../store/fixture.js';
import { World } from './memory-world.js';

/** The executor against the real state store (dynalite) and an in-memory world behind the ports. */
let fixture: StoreFixture;
beforeAll(async () => {
  fixture = await startStoreFixture();
});
afterAll(async () => fixture.close());

function plan(mode: FlipMode = 'unplanned'): Plan {
  const decision: Extract<Decision, { kind: 'flip' }> = {
    kind: 'flip', at: Date.now(), planId: `plan-${Math.random().toString(36).slice(2)}`, operation: mode === 'planned' ? 'switchover' : 'failover', mode,
    trigger: 'automatic', from: 'us-east-1', to: 'us-west-2', reason: 'test', guards: [],
  };
  return buildPlan(decision, config);
}

async function setup(world: World) {
  const store = fixture.newStore();
  const acquired = await store.lease.acquire('replica/us-west-2', 30_000, Date.now());
  if (!acquired.acquired) throw new Error('lease not acquired');
  let lease: Lease | undefined = acquired.lease;
  const events: ExecutorEvent[] = [];
  const deps: ExecutorDeps = {
    journal: store.journal,
    audit: store.audit,
    ports: world,
    clock: systemClock,
    random: () => 0.5,
    retry: { base: 10, cap: 50, maxAttempts: 3 },
    actor: 'replica/us-west-2',
    currentLease: () => lease,
    onEvent: (e) => events.push(e),
  };
  return { store, deps, events, loseLease: () => (lease = undefined), lease: () => acquired.lease };
}

describe('executePlan', () => {
  it('runs every step, journals each, and audits intent before result for side effects', async () => {
    const world = new World();
    const { store, deps, events } = await setup(world);
    const p = plan();
    const result = await executePlan(p, deps);
    expect(result.status).toBe('succeeded');
    expect(world).toMatchObject({ writer: 'us-west-2', active: ['us-west-2'] });
    // The writer name follows the global writer endpoint: no DNS record is touched.
    expect(world.calls).toEqual({ promote: 1, routeTo: 1 });
    const journal = (await store.journal.read(p.id))!;
    expect(journal.head.status).toBe('succeeded');
    // fence-old-writer already took traffic away from us-east-1, so flip-traffic found nothing to do.
    expect(journal.steps.map((s) => `${s.index}:${s.status}`)).toEqual(['1:done', '2:done', '3:done', '4:done', '5:skipped', '6:done']);
    const audit = await store.audit.readAll();
    const actions = audit.map((r) => `${r.action}:${r.phase}`);
    expect(actions.slice(0, 2)).toEqual(['failover/fence-old-writer:intent', 'failover/fence-old-writer:result']);
    expect(actions).toContain('failover/promote-database:intent');
    expect((await store.audit.verify()).ok).toBe(true);
    expect(events.filter((e) => e.type === 'step-end')).toHaveLength(6);
  });

  it('stops at the next step boundary when the lease is lost, and a resume repeats no side effect', async () => {
    const world = new World();
    const first = await setup(world);
    const p = plan();
    world.onSideEffect = (name) => {
      if (name === 'promote') first.loseLease();
    };
    const stopped = await executePlan(p, first.deps);
    expect(stopped).toEqual({ status: 'stopped', reason: 'lease lost before the next step' });
    expect(world.calls).toEqual({ routeTo: 1, promote: 1 });

    // Another replica takes over (the lease expired) and resumes from the journal.
    world.onSideEffect = undefined;
    const takeover = await first.store.lease.acquire('replica/eu-west-1', 30_000, first.lease().expiresAt + 1);
    expect(takeover.acquired).toBe(true);
    const lease = takeover.acquired ? takeover.lease : undefined;
    const found = await first.store.takeOver(lease!, Date.now());
    expect(found.unfinishedPlan?.head.plan.id).toBe(p.id);
    const resumed = await executePlan(found.unfinishedPlan!.head.plan, { ...first.deps, currentLease: () => lease, actor: 'replica/eu-west-1' });
    expect(resumed.status).toBe('succeeded');
    expect(world.calls).toEqual({ routeTo: 1, promote: 1 });
  });

  it('fails the plan with the step error and leaves the rest undone', async () => {
    const world = new World();
    world.failPromotion = 'AccessDenied: not authorized to perform rds:SwitchoverGlobalCluster';
    const { store, deps } = await setup(world);
    const p = plan('planned');
    const result = await executePlan(p, deps);
    expect(result).toMatchObject({ status: 'failed', error: expect.stringContaining('AccessDenied') });
    const journal = (await store.journal.read(p.id))!;
    expect(journal.head.status).toBe('failed');
    expect(journal.steps.map((s) => s.status)).toEqual(['done', 'failed', 'pending', 'pending', 'pending']);
    expect(world.calls).toEqual({});
  });

  it('stops (it does not fail) when the journal cannot be written, and a later run finishes the plan', async () => {
    const world = new World();
    const { store, deps } = await setup(world);
    const p = plan();
    let storeDown = false;
    const journal = new Proxy(store.journal, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => (storeDown ? Promise.reject(new Error('ECONNREFUSED')) : (value as (...a: unknown[]) => unknown).apply(target, args));
      },
    });
    world.onSideEffect = (name) => {
      if (name === 'promote') storeDown = true;
    };
    const stopped = await executePlan(p, { ...deps, journal });
    expect(stopped).toMatchObject({ status: 'stopped', reason: expect.stringContaining('ECONNREFUSED') });
    expect((await store.journal.read(p.id))!.head.status).toBe('running');
    storeDown = false;
    world.onSideEffect = undefined;
    expect((await executePlan(p, { ...deps, journal })).status).toBe('succeeded');
    expect(world.calls).toEqual({ routeTo: 1, promote: 1 });
  });

  it('stops in the middle of a step when its holding ends, without recording the step as failed', async () => {
    const world = new World();
    const { store, deps } = await setup(world);
    const holding = new AbortController();
    world.hangWaitForWriter = true;
    const p = plan('planned');
    const run = executePlan(p, { ...deps, signal: holding.signal });
    await new Promise((r) => setTimeout(r, 100));
    holding.abort(new Error('lease not renewed in time'));
    expect(await run).toMatchObject({ status: 'stopped', reason: expect.stringContaining('lease not renewed in time') });
    const journal = (await store.journal.read(p.id))!;
    expect(journal.head.status).toBe('running');
    expect(journal.steps.find((s) => s.status === 'failed')).toBeUndefined();
  });

  it('does not run a plan the journal says has already ended', async () => {
    const world = new World();
    const { deps } = await setup(world);
    const p = plan();
    expect((await executePlan(p, deps)).status).toBe('succeeded');
    expect(await executePlan(p, deps)).toMatchObject({ status: 'stopped', reason: 'the journal says the plan already succeeded' });
    expect(world.calls).toEqual({ promote: 1, routeTo: 1 });
  });
});
