import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Command } from '../../../../controller/domain/types.js';
import { InputError } from '../../../../kernel/errors.js';
import { ConflictError, StaleTokenError } from '../../../../controller/store/errors.js';
import type { DynamoStateStore } from '../../../../controller/store/dynamo-store.js';
import type { Lease } from '../../../../controller/store/state-store.js';
import { startStoreFixture, type StoreFixture } from './fixture.js';

let fixture: StoreFixture;
beforeAll(async () => {
  fixture = await startStoreFixture();
});
afterAll(async () => {
  await fixture.close();
});

const failover = (id: string, at = 100): Extract<Command, { kind: 'failover' | 'switchover' }> => ({ kind: 'failover', id, to: 'us-west-2', reason: 'drill', actor: 'alice', at });

async function acquire(store: DynamoStateStore, holder: string, now: number): Promise<Lease> {
  const result = await store.lease.acquire(holder, 1000, now);
  if (!result.acquired) throw new Error('lease not acquired');
  return result.lease;
}

describe('command queue', () => {
  it('goes pending -> taken -> done, readable by id at every stage', async () => {
    const store = fixture.newStore();
    const lease = await acquire(store, 'us-east-1', 0);
    const submitted = await store.commands.submit(failover('cmd-1'), 100);
    expect(submitted).toEqual({ command: failover('cmd-1'), status: 'pending', submittedAt: 100, fenceToken: 0 });

    const taken = await store.commands.take(lease, 'cmd-1', 110);
    expect(taken).toMatchObject({ status: 'taken', takenBy: 'us-east-1', takenAt: 110, fenceToken: lease.token });
    expect(await store.commands.listOpen()).toHaveLength(1);

    const done = await store.commands.decide(lease, 'cmd-1', { status: 'done', reason: 'plan plan-3 started', result: { planId: 'plan-3' } }, 120);
    expect(done).toMatchObject({ status: 'done', reason: 'plan plan-3 started', decidedAt: 120, result: { planId: 'plan-3' } });
    expect(await store.commands.get('cmd-1')).toEqual(done);
    expect(await store.commands.listOpen()).toEqual([]);
    // Deciding again the same way is a retry; taking a decided command gets nothing.
    await expect(store.commands.decide(lease, 'cmd-1', { status: 'done', reason: 'plan plan-3 started' }, 130)).resolves.toMatchObject({ decidedAt: 120 });
    expect(await store.commands.take(lease, 'cmd-1', 130)).toBeUndefined();
  });

  it('records a refusal with its reason', async () => {
    const store = fixture.newStore();
    const lease = await acquire(store, 'a', 0);
    await store.commands.submit(failover('cmd-2'), 1);
    await store.commands.take(lease, 'cmd-2', 2);
    const refused = await store.commands.decide(lease, 'cmd-2', { status: 'refused', reason: 'global outage: failover cannot help' }, 3);
    expect(refused).toMatchObject({ status: 'refused', reason: 'global outage: failover cannot help' });
  });

  it('lists open commands oldest first', async () => {
    const store = fixture.newStore();
    const lease = await acquire(store, 'a', 0);
    await store.commands.submit(failover('late'), 300);
    await store.commands.submit(failover('early'), 100);
    await store.commands.submit({ kind: 'pause', id: 'middle', reason: 'maintenance', actor: 'bob', at: 200 }, 200);
    await store.commands.take(lease, 'middle', 400);
    await store.commands.decide(lease, 'middle', { status: 'done', reason: 'paused' }, 401);
    expect((await store.commands.listOpen()).map((r) => r.command.id)).toEqual(['early', 'late']);
  });

  it('lets a new holder take a command the old holder took but never decided, and fences the old one out', async () => {
    const store = fixture.newStore();
    const old = await acquire(store, 'us-east-1', 0);
    await store.commands.submit(failover('cmd-3'), 1);
    await store.commands.take(old, 'cmd-3', 2);
    const fresh = await acquire(store, 'us-west-2', 5000);
    expect((await store.commands.listOpen()).map((r) => r.status)).toEqual(['taken']);
    expect(await store.commands.take(fresh, 'cmd-3', 5001)).toMatchObject({ takenBy: 'us-west-2', fenceToken: fresh.token });
    await expect(store.commands.decide(old, 'cmd-3', { status: 'done', reason: 'x' }, 5002)).rejects.toBeInstanceOf(StaleTokenError);
  });

  it('treats a repeated submit as a no-op and refuses another command under the same id', async () => {
    const store = fixture.newStore();
    await store.commands.submit(failover('dup'), 1);
    await expect(store.commands.submit(failover('dup'), 2)).resolves.toMatchObject({ submittedAt: 1 });
    await expect(store.commands.submit({ ...failover('dup'), reason: 'another' }, 3)).rejects.toBeInstanceOf(ConflictError);
    expect((await store.commands.get('dup'))?.command).toEqual(failover('dup'));
  });

  it('refuses to decide a command that was not taken', async () => {
    const store = fixture.newStore();
    const lease = await acquire(store, 'a', 0);
    await store.commands.submit(failover('untaken'), 1);
    await expect(store.commands.decide(lease, 'untaken', { status: 'done', reason: 'x' }, 2)).rejects.toThrow(/take it before deciding/);
    await expect(store.commands.take(lease, 'nope', 2)).rejects.toThrow(/no command "nope"/);
    expect((await store.commands.get('untaken'))?.status).toBe('pending');
  });

  it.each([
    { name: 'empty id', call: (s: DynamoStateStore) => s.commands.submit(failover(''), 1) },
    { name: 'blank reason', call: (s: DynamoStateStore, l: Lease) => s.commands.decide(l, 'x', { status: 'done', reason: ' ' }, 1) },
  ])('refuses $name with an InputError', async ({ call }) => {
    const store = fixture.newStore();
    const lease = await acquire(store, 'a', 0);
    await expect(call(store, lease)).rejects.toBeInstanceOf(InputError);
    expect(await store.commands.listOpen()).toEqual([]);
  });
});
