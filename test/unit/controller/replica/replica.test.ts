import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../../../kernel/clock.js';
import type { DatabaseStatus, Decision, Observation } from '../../../../controller/domain/types.js';
import { AwsCallError } from '../../../../controller/aws/errors.js';
import { createLogger } from '../../../../kernel/logging.js';
import type { SignalReader } from '../../../../controller/ports.js';
import { Replica } from '../../../../controller/replica/replica.js';
import { config, REGIONS } from '../domain/fixtures.js';
import { World } from '../executor/memory-world.js';
import type { StateStore } from '../../../../controller/store/state-store.js';
import { StoreUnavailableError } from '../../../../controller/store/errors.js';
import { startStoreFixture, storeAt, type StoreFixture } from '../store/fixture.js';

/**
 * Three replicas over one real state store (dynalite), probing an in-memory world on a manual
 * clock: exactly one holds the lease, and only a regional outage confirmed by a quorum of vantage
 * points moves the primary.
 */

let fixture: StoreFixture;
beforeAll(async () => {
  fixture = await startStoreFixture();
});
afterAll(async () => fixture.close());

const started: Replica[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((r) => r.stop()));
});

function setup(storeOverride?: StateStore, readDatabase?: (region: string, world: World) => Promise<DatabaseStatus | undefined>) {
  let now = Date.now();
  const clock: Clock = { now: () => now, sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 5))) };
  const store = storeOverride ?? fixture.newStore();
  const world = new World();
  /** Regions whose probes fail, optionally only from some vantage points. */
  const failing = new Map<string, Set<string> | 'all'>();
  const decisions: Decision[] = [];
  const logger = createLogger({ name: 'test', level: 'silent', pretty: false });
  const replicas = REGIONS.map((region) => {
    const prober: SignalReader = {
      read: async () =>
        REGIONS.map((target): Observation => {
          const rule = failing.get(target);
          const fails = rule === 'all' || (rule instanceof Set && rule.has(region));
          return { region: target, service: 'api', vantage: region, signal: 'http', outcome: fails ? 'fail' : 'ok', latencyMs: 10, at: clock.now(), ...(fails && { detail: 'ECONNREFUSED' }) };
        }),
    };
    return new Replica({
      config,
      region,
      store,
      ports: world,
      signals: [prober],
      readDatabase: () => (readDatabase ? readDatabase(region, world) : world.database.status()),
      readiness: async () => [{ type: 'CredentialsWork', status: 'true', reason: 'Ok', message: 'calls permitted', at: clock.now() }],
      clock,
      random: () => 0.5,
      logger,
      onDecision: (d) => decisions.push(d),
    });
  });
  started.push(...replicas);
  const tickAll = async (seconds: number) => {
    for (let i = 0; i < seconds; i++) {
      now += 1000;
      for (const r of replicas) await r.tick();
    }
  };
  return { store, world, failing, decisions, replicas, tickAll, clock };
}

async function settle(tickAll: (s: number) => Promise<void>, until: () => boolean, maxSeconds = 30) {
  for (let i = 0; i < maxSeconds && !until(); i++) {
    await tickAll(1);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('Replica', () => {
  it('elects one lease holder and holds while everything is healthy', async () => {
    const { replicas, tickAll, world, store } = setup();
    await tickAll(5);
    expect(replicas.filter((r) => r.status().holder)).toHaveLength(1);
    expect(world.calls).toEqual({});
    expect((await store.observations.readAll()).map((p) => p.replica).sort()).toEqual([...REGIONS].sort());
    expect(replicas.find((r) => r.status().holder)!.status().lastDecision?.reason).toBe('no action: primary us-east-1 healthy');
  });

  it('fails over on a regional outage confirmed by a quorum, and records the new topology', async () => {
    const { tickAll, world, store, failing } = setup();
    await tickAll(5);
    failing.set('us-east-1', 'all');
    await settle(tickAll, () => world.writer === 'us-west-2' && world.active[0] === 'us-west-2');
    let stored = await store.topology.read();
    for (let i = 0; i < 10 && stored?.topology.primary !== 'us-west-2'; i++) {
      await tickAll(1);
      stored = await store.topology.read();
    }
    expect(world.calls).toEqual({ promote: 1, routeTo: 1 });
    // The holder learnt the outcome from the journal and recorded it: the topology names no plan.
    expect(stored?.topology).toMatchObject({ primary: 'us-west-2', phase: 'failed-over', lostPrimary: 'us-east-1' });
    expect(stored?.topology.active).toBeUndefined();
    const plans = await store.journal.listPlans();
    expect(plans.map((p) => p.status)).toEqual(['succeeded']);
    const actions = (await store.audit.readAll()).map((r) => `${r.action}:${r.phase}`);
    expect(actions).toEqual(expect.arrayContaining(['lease/acquired:result', 'decision/failover:intent', 'plan/succeeded:result']));
    expect(actions.indexOf('decision/failover:intent')).toBeLessThan(actions.indexOf('failover/promote-database:intent'));
    expect((await store.audit.verify()).ok).toBe(true);
  });

  it("gives the lease up at the next tick when a database read refuses its credentials, not at the next readiness check", async () => {
    const refused = new Set<string>();
    const denied = new AwsCallError({ service: 'rds', operation: 'DescribeGlobalClusters', region: 'us-east-1' }, { code: 'AccessDeniedException', kind: 'access-denied', transient: false }, { cause: new Error('denied') });
    const { replicas, tickAll } = setup(undefined, (region, world) => (refused.has(region) ? Promise.reject(denied) : world.database.status()));
    await tickAll(3);
    const first = replicas.find((r) => r.status().holder)!;
    refused.add(first.status().region);
    // Readiness (checked every 10 s) still says every call is permitted; the refused read is what tells.
    await settle(tickAll, () => !first.status().holder && replicas.some((r) => r.status().holder), 4);
    expect(first.status().holder).toBe(false);
    expect(first.status().conditions).toContainEqual(expect.objectContaining({ type: 'DatabaseStatusReadable', status: 'false', reason: 'AccessDeniedException' }));
    expect(replicas.filter((r) => r.status().holder).map((r) => r.status().region)).not.toContain(first.status().region);
  });

  it('does not fail over when a single vantage point is cut off from the primary', async () => {
    const { tickAll, world, failing } = setup();
    await tickAll(3);
    failing.set('us-east-1', new Set(['us-west-2']));
    await tickAll(10);
    expect(world.calls).toEqual({});
  });

  it('runs an operator command submitted to the store and refuses a bad one with its reason', async () => {
    const { tickAll, world, store } = setup();
    await tickAll(5);
    await store.commands.submit({ kind: 'switchover', id: 'op-1', to: 'eu-west-1', reason: 'game day', actor: 'user/alice', at: Date.now() }, Date.now());
    await store.commands.submit({ kind: 'switchover', id: 'op-2', to: 'us-east-1', reason: 'oops', actor: 'user/bob', at: Date.now() }, Date.now());
    await settle(tickAll, () => world.writer === 'eu-west-1');
    expect((await store.commands.get('op-1'))).toMatchObject({ status: 'done', result: { planId: expect.stringContaining('switchover') } });
    expect((await store.commands.get('op-2'))).toMatchObject({ status: 'refused', reason: expect.stringMatching(/plan .* is still running|already the primary/) });
    const refused = (await store.audit.readAll()).find((r) => r.phase === 'refused');
    expect(refused).toMatchObject({ actor: 'user/bob', action: 'request/switchover' });
  });

  it('a command whose plan started before its decision was written is done, not asked again', async () => {
    const base = fixture.newStore();
    let failDecide = true;
    // The store goes away right after the plan is recorded: the command's decision is lost once.
    const store = new Proxy(base, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver) as unknown;
        if (key !== 'commands') return value;
        return new Proxy(value as object, {
          get(commands, name, r) {
            const fn = Reflect.get(commands, name, r) as unknown;
            if (name !== 'decide' || typeof fn !== 'function') return fn;
            return (...args: unknown[]) => {
              if (failDecide) {
                failDecide = false;
                return Promise.reject(new StoreUnavailableError('state store unreachable (injected)'));
              }
              return (fn as (...a: unknown[]) => unknown).apply(commands, args);
            };
          },
        });
      },
    }) as StateStore;
    const { tickAll, world } = setup(store);
    await tickAll(5);
    await base.commands.submit({ kind: 'switchover', id: 'op-lost', to: 'eu-west-1', reason: 'game day', actor: 'user/alice', at: Date.now() }, Date.now());
    await settle(tickAll, () => world.writer === 'eu-west-1');
    await tickAll(2);
    expect(await base.commands.get('op-lost')).toMatchObject({ status: 'done', result: { planId: expect.stringContaining('switchover') } });
    expect(await base.journal.listPlans()).toHaveLength(1);
  });

  it('takes no automatic action while the store is unreachable', async () => {
    // Nothing listens on port 9 of loopback: every store call is refused at once.
    const unreachable = storeAt('http://127.0.0.1:9', 'unreachable', { connectTimeoutMs: 200, requestTimeoutMs: 200, callTimeoutMs: 500 });
    const { replicas, tickAll, world, failing } = setup(unreachable);
    failing.set('us-east-1', 'all');
    await tickAll(8);
    expect(world.calls).toEqual({});
    expect(replicas.map((r) => r.status())).toEqual(replicas.map((r) => expect.objectContaining({ region: r.status().region, holder: false, storeReachable: false })));
  });

  it('names a recent infrastructure change to a failing standby in its decision, and the audit of a failover', async () => {
    const { tickAll, store, failing, decisions, clock } = setup();
    await tickAll(3);
    await store.changes.start({ stack: 'prod-eu-west-1', regions: ['eu-west-1'], commit: 'abc1234ffff', pr: 42, rollout: 'r-1', startedAt: clock.now() - 2000, startedBy: 'deploy' });
    failing.set('eu-west-1', 'all');
    await settle(tickAll, () => decisions.some((d) => d.reason.includes('eu-west-1 failing since')));
    // The first decision that names the change already names the region's state (refused
    // connections from every vantage are hard evidence: failed at once, or degraded first).
    expect(decisions.find((d) => d.reason.includes('after change abc1234'))?.reason).toMatch(/eu-west-1 (degraded|failing) since/);
    const named = decisions.find((d) => d.reason.includes('eu-west-1 failing since'));
    expect(named?.kind).toBe('none');
    expect(named?.reason).toMatch(/^no action: primary us-east-1 healthy; eu-west-1 failing since \d+(\.\d)?s after change abc1234 to eu-west-1 \(stack prod-eu-west-1, PR #42, rollout r-1\)$/);

    // Then the primary fails too, after a change to it: the failover's audited reason names that change.
    await store.changes.start({ stack: 'prod-us-east-1', regions: ['us-east-1'], commit: 'def5678aaaa', startedAt: clock.now(), startedBy: 'deploy' });
    failing.delete('eu-west-1');
    await tickAll(6);
    failing.set('us-east-1', 'all');
    await settle(tickAll, () => decisions.some((d) => d.kind === 'flip'));
    const flip = (await store.audit.readAll()).find((r) => r.action === 'decision/failover');
    expect(String(flip?.details.reason)).toMatch(/; us-east-1 failing since \d+(\.\d)?s after change def5678 to us-east-1 \(stack prod-us-east-1\)$/);
  });
});
