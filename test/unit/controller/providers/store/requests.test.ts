import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError } from '../../../../../controller/providers/store/errors.js';
import type { ApprovalRequest } from '../../../../../controller/providers/store/port.js';
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
  command: { kind: 'failover', id: `cmd-${id}`, to: 'us-west-2', reason: 'drill', actor: 'alice', at: createdAt },
  requestedBy: 'alice',
  createdAt,
  expiresAt: createdAt + 1000,
  status: 'pending',
});

describe('approval requests', () => {
  it('are created once, listed newest first, and decided once', async () => {
    const store = fixture.newStore();
    await store.requests.create(request('r-1', 100));
    await store.requests.create(request('r-2', 200));
    await expect(store.requests.create(request('r-1', 300))).rejects.toBeInstanceOf(ConflictError);
    expect((await store.requests.list()).map((r) => r.id)).toEqual(['r-2', 'r-1']);
    const decided = await store.requests.decide('r-1', { status: 'approved', decidedBy: 'bob', decidedAt: 150 });
    expect(decided).toMatchObject({ id: 'r-1', status: 'approved', decidedBy: 'bob', decidedAt: 150 });
    await expect(store.requests.decide('r-1', { status: 'rejected', decidedBy: 'carol', decidedAt: 160 })).rejects.toThrow(/already approved/);
    expect(await store.requests.get('r-1')).toEqual(decided);
  });

  it('concurrent decisions: exactly one wins', async () => {
    const store = fixture.newStore();
    await store.requests.create(request('r-race'));
    const results = await Promise.allSettled(['bob', 'carol', 'dave'].map((by) => store.requests.decide('r-race', { status: 'approved', decidedBy: by, decidedAt: 1 })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });
});

describe('idempotency keys', () => {
  it('the first claim runs; later claims see the fingerprint, then the stored response', async () => {
    const store = fixture.newStore();
    expect(await store.requests.claimKey('k-1', 'fp-a', 10, 1000)).toEqual({ claimed: true });
    expect(await store.requests.claimKey('k-1', 'fp-a', 11, 1000)).toEqual({ claimed: false, record: { key: 'k-1', fingerprint: 'fp-a', claimedAt: 10 } });
    await store.requests.completeKey('k-1', { statusCode: 202, body: { ok: true } });
    expect(await store.requests.claimKey('k-1', 'fp-b', 5000, 1000)).toEqual({ claimed: false, record: { key: 'k-1', fingerprint: 'fp-a', claimedAt: 10, response: { statusCode: 202, body: { ok: true } } } });
  });

  it('an unanswered claim of the same call is taken over once stale, by exactly one caller', async () => {
    const store = fixture.newStore();
    await store.requests.claimKey('k-stale', 'fp', 0, 1000);
    expect((await store.requests.claimKey('k-stale', 'fp', 999, 1000)).claimed).toBe(false);
    expect((await store.requests.claimKey('k-stale', 'other', 5000, 1000)).claimed).toBe(false);
    const takers = await Promise.all([1, 2, 3].map(() => store.requests.claimKey('k-stale', 'fp', 5000, 1000)));
    expect(takers.filter((r) => r.claimed)).toHaveLength(1);
  });

  it('concurrent claims of one key: exactly one runs', async () => {
    const store = fixture.newStore();
    const results = await Promise.all([1, 2, 3].map((i) => store.requests.claimKey('k-race', `fp-${i}`, i, 1000)));
    expect(results.filter((r) => r.claimed)).toHaveLength(1);
  });
});
