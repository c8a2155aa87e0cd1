import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError } from '../../../../controller/store/errors.js';
import type { ApprovalRequest } from '../../../../controller/store/api-records.js';
import { startStoreFixture, type StoreFixture } from './fixture.js';

let fixture: StoreFixture;
beforeAll(async () => {
  fixture = await startStoreFixture();
});
afterAll(async () => {
  await fixture.close();
});

const request = (id: string, createdAt = 100): ApprovalRequest => ({
  id,
  command: { kind: 'failover', id, to: 'us-west-2', reason: 'drill', actor: 'alice', at: createdAt },
  requestedBy: 'alice',
  createdAt,
  expiresAt: createdAt + 1000,
  status: 'pending',
});

describe('approval requests', () => {
  it('are created once, listed newest first, and decided once; only an approved command enters the queue', async () => {
    const store = fixture.newStore();
    await store.requests.create(request('r-1', 100));
    await store.requests.create(request('r-2', 200));
    await store.commands.submit({ kind: 'pause', id: 'plain', reason: 'not a request', actor: 'bob', at: 150 }, 150);
    await expect(store.requests.create(request('r-1', 300))).rejects.toBeInstanceOf(ConflictError);
    expect((await store.requests.list()).map((r) => r.id)).toEqual(['r-2', 'r-1']);
    expect(await store.requests.get('plain')).toBeUndefined();
    expect((await store.commands.listOpen()).map((c) => c.command.id)).toEqual(['plain']);

    const decided = await store.requests.decide('r-1', { status: 'approved', decidedBy: 'bob', decidedAt: 150 });
    expect(decided.request).toMatchObject({ id: 'r-1', status: 'approved', decidedBy: 'bob', decidedAt: 150 });
    expect(decided.command).toMatchObject({ status: 'pending', command: { id: 'r-1', actor: 'alice (approved by bob)' } });
    await expect(store.requests.decide('r-1', { status: 'rejected', decidedBy: 'carol', decidedAt: 160 })).rejects.toThrow(/already approved by bob/);
    expect(await store.requests.get('r-1')).toEqual(decided.request);
    expect((await store.commands.listOpen()).map((c) => c.command.id).sort()).toEqual(['plain', 'r-1']);

    await store.requests.decide('r-2', { status: 'rejected', decidedBy: 'bob', decidedAt: 250, note: 'not an outage' });
    expect(await store.requests.get('r-2')).toMatchObject({ status: 'rejected', note: 'not an outage' });
    expect((await store.commands.get('r-2'))?.status).toBe('rejected');
    expect((await store.commands.listOpen()).map((c) => c.command.id)).not.toContain('r-2');
  });

  it('refuses, in the same conditional write, an expired request and the requester approving their own', async () => {
    const store = fixture.newStore();
    await store.requests.create(request('r-old', 100));
    await expect(store.requests.decide('r-old', { status: 'approved', decidedBy: 'bob', decidedAt: 1101 })).rejects.toThrow(/expired/);
    await store.requests.create(request('r-self', 100));
    await expect(store.requests.decide('r-self', { status: 'approved', decidedBy: 'alice', decidedAt: 200 })).rejects.toThrow(/two-person rule/);
    expect(await store.commands.listOpen()).toEqual([]);
  });

  it('any interleaving of approvals and rejections from several replicas: exactly one decision wins, and the queue agrees with it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ decision: fc.constantFrom('approved' as const, 'rejected' as const), by: fc.constantFrom('bob', 'carol', 'dave'), delayMs: fc.integer({ min: 0, max: 15 }) }), { minLength: 2, maxLength: 6 }),
        async (attempts) => {
          const store = fixture.newStore();
          await store.requests.create(request('r-race'));
          const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
          const results = await Promise.allSettled(attempts.map(async (a) => (await sleep(a.delayMs), store.requests.decide('r-race', { status: a.decision, decidedBy: a.by, decidedAt: 500 }))));
          const won = results.filter((r) => r.status === 'fulfilled');
          expect(won).toHaveLength(1);
          for (const lost of results.filter((r) => r.status === 'rejected')) expect((lost as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
          const winner = (won[0] as PromiseFulfilledResult<{ request: ApprovalRequest }>).value.request;
          const queued = (await store.commands.listOpen()).map((c) => c.command.id);
          expect(queued).toEqual(winner.status === 'approved' ? ['r-race'] : []);
          expect(await store.requests.get('r-race')).toEqual(winner);
          store.close();
        },
      ),
      { numRuns: 25, seed: 42 },
    );
  });
});
