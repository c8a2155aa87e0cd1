import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../../../kernel/clock.js';
import type { Condition, Observation } from '../../../../controller/domain/types.js';
import { FcpError } from '../../../../kernel/errors.js';
import type { StepPorts } from '../../../../controller/executor/steps.js';
import { createLogger } from '../../../../kernel/logging.js';
import { StoreUnavailableError } from '../../../../controller/store/errors.js';
import type { StateStore } from '../../../../controller/store/state-store.js';
import { Replica } from '../../../../controller/replica/replica.js';
import { config, REGIONS } from '../domain/fixtures.js';
import { World } from '../executor/memory-world.js';
import { startStoreFixture, type StoreFixture } from '../store/fixture.js';

/**
 * The plan lifecycle under random faults (property-based), with three replicas over a real state
 * store (dynalite) and an in-memory world on a manual clock: while the primary is down, replicas
 * crash and come back, the store goes away, a replica's credentials are refused. Once the faults
 * stop, within a bounded number of ticks: no plan is left active with nobody running it, the
 * topology names the world's real writer and traffic, and no side effect happened twice.
 */

let fixture: StoreFixture;
beforeAll(async () => {
  fixture = await startStoreFixture();
});
afterAll(async () => fixture.close());

const logger = createLogger({ name: 'test', level: 'silent', pretty: false });

/** A store whose every call fails while `down()` says so, as an unreachable store does. */
function flaky(store: StateStore, down: () => boolean): StateStore {
  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(object, key, receiver) {
        const value = Reflect.get(object, key, receiver) as unknown;
        if (typeof value === 'function') {
          return (...args: unknown[]) => {
            if (down() && key !== 'close') return Promise.reject(new StoreUnavailableError('state store unreachable (injected)'));
            return (value as (...a: unknown[]) => unknown).apply(object, args);
          };
        }
        return value !== null && typeof value === 'object' ? wrap(value) : value;
      },
    });
  return wrap(store);
}

/** The world's ports as one replica sees them: every call refused while its credentials are. */
function portsFor(world: World, refused: () => boolean): StepPorts {
  const deny = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(object, key, receiver) {
        const value = Reflect.get(object, key, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) =>
          refused() ? Promise.reject(new FcpError('AccessDenied: not authorized (injected)', { context: { code: 'AccessDenied' } })) : (value as (...a: unknown[]) => unknown).apply(object, args);
      },
    });
  return { traffic: deny(world.traffic), database: deny(world.database), dbRecords: deny(world.dbRecords) };
}

type Fault = { kind: 'tick' } | { kind: 'crash'; region: string } | { kind: 'restart'; region: string } | { kind: 'store'; down: boolean } | { kind: 'credentials'; region: string; refused: boolean };

const region = fc.constantFrom(...REGIONS);
const fault: fc.Arbitrary<Fault> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'tick' as const }) },
  { weight: 1, arbitrary: region.map((r) => ({ kind: 'crash' as const, region: r })) },
  { weight: 1, arbitrary: region.map((r) => ({ kind: 'restart' as const, region: r })) },
  { weight: 1, arbitrary: fc.boolean().map((down) => ({ kind: 'store' as const, down })) },
  { weight: 1, arbitrary: fc.tuple(region, fc.boolean()).map(([r, refused]) => ({ kind: 'credentials' as const, region: r, refused })) },
);

async function run(faults: Fault[]): Promise<void> {
  let now = Date.now();
  const clock: Clock = { now: () => now, sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 5))) };
  const shared = fixture.newStore();
  const world = new World();
  let storeDown = false;
  const refused = new Set<string>();
  const primaryDown = true;
  const replicas = new Map<string, Replica>();
  const crashed: Replica[] = [];

  const start = (r: string) => {
    const prober = {
      read: async () =>
        REGIONS.map((target): Observation => {
          const fails = primaryDown && target === 'us-east-1';
          return { region: target, service: 'api', vantage: r, signal: 'http', outcome: fails ? 'fail' : 'ok', latencyMs: 10, at: clock.now(), ...(fails && { detail: 'ECONNREFUSED' }) };
        }),
    };
    const readiness = async (): Promise<Condition[]> => [
      refused.has(r)
        ? { type: 'CredentialsWork', status: 'false', reason: 'AccessDenied', message: 'calls refused', at: clock.now() }
        : { type: 'CredentialsWork', status: 'true', reason: 'Ok', message: 'calls permitted', at: clock.now() },
    ];
    const replica = new Replica({
      config,
      region: r,
      store: flaky(shared, () => storeDown),
      ports: portsFor(world, () => refused.has(r)),
      signals: [prober],
      // The primary region is down, not only its app: its writer does not answer either.
      readDatabase: async () => ({ ...(await world.database.status()), at: clock.now(), writerReachable: !(primaryDown && world.writer === 'us-east-1') }),
      readiness,
      clock,
      random: () => 0.5,
      logger,
    });
    replicas.set(r, replica);
  };
  const tick = async () => {
    now += 1000;
    for (const replica of replicas.values()) await replica.tick();
    // Let background plan runs and readiness reads move on between ticks.
    await new Promise((r) => setTimeout(r, 15));
  };

  try {
    for (const r of REGIONS) start(r);
    // Long enough for the failover to start (the primary region is down: a few ticks to confirm), so faults hit the plan.
    for (let i = 0; i < 8; i++) await tick();
    for (const f of faults) {
      if (f.kind === 'tick') await tick();
      else if (f.kind === 'crash' && replicas.has(f.region)) {
        const replica = replicas.get(f.region)!;
        replica.crash();
        crashed.push(replica);
        replicas.delete(f.region);
      } else if (f.kind === 'restart' && !replicas.has(f.region)) start(f.region);
      else if (f.kind === 'store') storeDown = f.down;
      else if (f.kind === 'credentials') {
        if (f.refused) refused.add(f.region);
        else refused.delete(f.region);
      }
      expect([...replicas.values()].filter((r) => r.status().holder).length).toBeLessThanOrEqual(1);
    }

    // The faults end: the store answers, every replica runs with working credentials.
    storeDown = false;
    refused.clear();
    for (const r of REGIONS) if (!replicas.has(r)) start(r);
    let topology = (await shared.topology.read())?.topology;
    // Settled: the failover away from the down primary happened, and nothing is left running.
    for (let i = 0; i < 40 && !(topology && !topology.active && topology.primary === world.writer && world.writer !== 'us-east-1'); i++) {
      await tick();
      topology = (await shared.topology.read())?.topology;
    }
    expect(topology?.active).toBeUndefined();
    expect(topology?.primary).toBe(world.writer);
    expect(world.active).toEqual([world.writer]);
    expect(world.writer).not.toBe('us-east-1');
    expect(world.calls.promote ?? 0).toBe(1);
    expect(world.calls.routeTo ?? 0).toBe(1);
    const running = (await shared.journal.listPlans()).filter((p) => p.status === 'running');
    expect(running).toEqual([]);
  } finally {
    await Promise.all([...replicas.values(), ...crashed].map((r) => r.stop()));
    shared.close();
  }
}

describe('the plan lifecycle under random faults', () => {
  it('always settles: no active plan left without a runner, the topology names the real writer, each side effect once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fault, { minLength: 5, maxLength: 30 }), (faults) => run(faults)),
      { numRuns: 12, seed: 7, endOnFailure: true },
    );
  }, 240_000);
});
