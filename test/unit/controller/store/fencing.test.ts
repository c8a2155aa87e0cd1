import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { LeaseLostError, StaleTokenError, VersionConflictError } from '../../../../controller/store/errors.js';
import type { DynamoStateStore } from '../../../../controller/store/dynamo-store.js';
import type { Lease } from '../../../../controller/store/state-store.js';
import { Fence } from '../../../../controller/store/fence.js';
import { DynamoJournalStore } from '../../../../controller/store/journal.js';
import { Keys } from '../../../../controller/store/keys.js';
import { Table, type Item, type Key, type TableOptions } from '../../../../controller/store/table.js';
import { DynamoTopologyStore } from '../../../../controller/store/topology.js';
import type { LeaseState } from '../../../../controller/store/state-store.js';
import { startStoreFixture, tableOptions, type StoreFixture } from './fixture.js';
import { samplePlan, sampleTopology } from './plans.js';

let fixture: StoreFixture;
beforeAll(async () => {
  fixture = await startStoreFixture();
});
afterAll(async () => {
  await fixture.close();
});

const TTL = 1000;

/** The table as seen by a holder whose lease read happened before the takeover. */
class LeaseSnapshotTable extends Table {
  constructor(
    options: TableOptions,
    private readonly keys: Keys,
    private readonly lease: LeaseState,
  ) {
    super(options);
  }

  override async get(key: Key): Promise<Item | undefined> {
    const leaseKey = this.keys.lease();
    if (key.pk !== leaseKey.pk) return super.get(key);
    return {
      pk: { S: leaseKey.pk },
      sk: { S: leaseKey.sk },
      holder: { S: this.lease.holder ?? '' },
      token: { N: String(this.lease.token) },
      expiresAt: { N: String(this.lease.expiresAt) },
    };
  }
}

async function hold(store: DynamoStateStore, holder: string, now: number): Promise<Lease> {
  const result = await store.lease.acquire(holder, TTL, now);
  if (!result.acquired) throw new Error(`${holder} did not get the lease`);
  return result.lease;
}

/** An old holder with a plan in flight, and a new holder that took the lease over after it expired. */
async function takenOver() {
  const store = fixture.newStore();
  const old = await hold(store, 'us-east-1', 0);
  await store.topology.write(old, sampleTopology(), 0, 10);
  await store.journal.begin(old, samplePlan('plan-1'), 20);
  await store.journal.startStep(old, 'plan-1', 1, 30);
  await store.commands.submit({ kind: 'pause', id: 'cmd-1', reason: 'drill', actor: 'alice', at: 40 }, 40);
  const fresh = await hold(store, 'us-west-2', 2000);
  return { store, old, fresh };
}

describe('fenced writes after a takeover', () => {
  // Every fenced write the old holder might still attempt, even before the new holder touched the item.
  const staleWrites: { name: string; write: (store: DynamoStateStore, old: Lease) => Promise<unknown> }[] = [
    { name: 'topology write', write: (store, old) => store.topology.write(old, sampleTopology('us-west-2'), 1, 2100) },
    { name: 'plan begin', write: (store, old) => store.journal.begin(old, samplePlan('plan-2'), 2100) },
    { name: 'step start', write: (store, old) => store.journal.startStep(old, 'plan-1', 2, 2100) },
    { name: 'step finish', write: (store, old) => store.journal.finishStep(old, 'plan-1', 1, { status: 'done' }, 2100) },
    { name: 'plan finish', write: (store, old) => store.journal.finish(old, 'plan-1', 'succeeded', 2100) },
    { name: 'command take', write: (store, old) => store.commands.take(old, 'cmd-1', 2100) },
  ];

  it.each(staleWrites)('rejects the old holder’s $name with StaleTokenError', async ({ write }) => {
    const { store, old } = await takenOver();
    const error = await write(store, old).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StaleTokenError);
    expect(error).toBeInstanceOf(LeaseLostError);
    expect((error as StaleTokenError).transient).toBe(false);
    // Nothing changed.
    expect((await store.topology.read())?.topology.primary).toBe('us-east-1');
    expect((await store.journal.read('plan-1'))?.steps.map((s) => s.status)).toEqual(['started', 'pending', 'pending']);
    expect((await store.commands.get('cmd-1'))?.status).toBe('pending');
  });

  it('rejects a lower token on an item a newer token wrote, even when its lease read was still current', async () => {
    // The interleaving a lease read cannot exclude: the old holder read the lease just before the
    // takeover, then writes. The item's own fence must refuse it.
    const { store, old, fresh } = await takenOver();
    await store.takeOver(fresh, 2000);
    const keys = new Keys(store.namespace);
    const options = tableOptions(fixture.dynamo.endpoint);
    onTestFinished(() => options.client.destroy());
    const table = new LeaseSnapshotTable(options, keys, { holder: old.holder, token: old.token, expiresAt: old.expiresAt });
    const fence = new Fence(table, keys);
    const oldView = { topology: new DynamoTopologyStore(table, keys, fence), journal: new DynamoJournalStore(table, keys, fence) };

    for (const write of [
      () => oldView.topology.write(old, sampleTopology('us-west-2'), 1, 100),
      () => oldView.journal.finish(old, 'plan-1', 'failed', 100),
    ]) {
      const error = await write().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StaleTokenError);
      expect((error as StaleTokenError).context).toMatchObject({ token: old.token, itemToken: fresh.token });
    }
    // A step item the new holder has not written yet is the documented gap: the old write lands.
    await expect(oldView.journal.finishStep(old, 'plan-1', 1, { status: 'done' }, 100)).resolves.toMatchObject({ fenceToken: old.token });
    // Once the new holder writes the step, the old holder can no longer touch it.
    await store.journal.startStep(fresh, 'plan-1', 1, 2010);
    await expect(oldView.journal.finishStep(old, 'plan-1', 1, { status: 'done' }, 100)).rejects.toBeInstanceOf(StaleTokenError);
    expect((await store.topology.read())?.topology.primary).toBe('us-east-1');
    expect((await store.journal.read('plan-1'))?.head.status).toBe('running');
  });

  it('refuses a write with an expired lease even when nobody took it over', async () => {
    const store = fixture.newStore();
    const lease = await hold(store, 'a', 0);
    const error = await store.topology.write(lease, sampleTopology(), 0, TTL).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LeaseLostError);
    expect(error).not.toBeInstanceOf(StaleTokenError);
    expect(await store.topology.read()).toBeUndefined();
  });

  it('lets the new holder take over: fences topology and the unfinished plan, then continues it', async () => {
    const { store, fresh } = await takenOver();
    const state = await store.takeOver(fresh, 2000);
    expect(state.topology?.topology.primary).toBe('us-east-1');
    expect(state.topology?.fenceToken).toBe(fresh.token);
    expect(state.unfinishedPlan?.head.plan.id).toBe('plan-1');
    expect(state.unfinishedPlan?.head.fenceToken).toBe(fresh.token);
    const step = await store.journal.startStep(fresh, 'plan-1', 1, 2010);
    expect(step).toMatchObject({ status: 'started', attempts: 2, fenceToken: fresh.token });
    const written = await store.topology.write(fresh, sampleTopology('us-west-2', 1), 1, 2020);
    expect(written).toMatchObject({ version: 2, fenceToken: fresh.token });
  });
});

describe('topology', () => {
  it('is versioned: a write must name the version it read', async () => {
    const store = fixture.newStore();
    const lease = await hold(store, 'a', 0);
    expect(await store.topology.read()).toBeUndefined();
    const first = await store.topology.write(lease, sampleTopology(), 0, 1);
    expect(first).toEqual({ topology: sampleTopology(), version: 1, fenceToken: lease.token, updatedAt: 1 });
    const paused = { ...sampleTopology(), paused: { reason: 'maintenance', actor: 'alice', at: 2 } };
    expect((await store.topology.write(lease, paused, 1, 2)).version).toBe(2);
    expect((await store.topology.read())?.topology.paused?.reason).toBe('maintenance');

    for (const stale of [0, 1, 5]) {
      const error = await store.topology.write(lease, sampleTopology(), stale, 3).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(VersionConflictError);
      expect((error as Error).message).toMatch(/now version 2/);
    }
  });

  it('reads as absent after a claim that found none, and the first write still starts at version 1', async () => {
    const store = fixture.newStore();
    const lease = await hold(store, 'a', 0);
    expect(await store.topology.claim(lease, 1)).toBeUndefined();
    expect(await store.topology.read()).toBeUndefined();
    expect((await store.topology.write(lease, sampleTopology(), 0, 2)).version).toBe(1);
  });
});
