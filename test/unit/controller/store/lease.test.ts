import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../../kernel/errors.js';
import { LeaseLostError, StaleTokenError } from '../../../../controller/store/errors.js';
import type { Lease } from '../../../../controller/store/state-store.js';
import { startStoreFixture, type StoreFixture } from './fixture.js';

let fixture: StoreFixture;
beforeAll(async () => {
  fixture = await startStoreFixture();
});
afterAll(async () => {
  await fixture.close();
});

async function acquired(result: Promise<{ acquired: boolean; lease?: Lease }>): Promise<Lease> {
  const outcome = await result;
  if (!outcome.acquired || !outcome.lease) throw new Error('expected the lease to be acquired');
  return outcome.lease;
}

describe('lease', () => {
  it('is free at first, then held with token 1', async () => {
    const store = fixture.newStore();
    expect(await store.lease.read()).toBeUndefined();
    const lease = await acquired(store.lease.acquire('us-east-1', 1000, 10_000));
    expect(lease).toEqual({ holder: 'us-east-1', token: 1, ttlMs: 1000, expiresAt: 11_000 });
    expect(await store.lease.read()).toEqual({ holder: 'us-east-1', token: 1, expiresAt: 11_000 });
  });

  it('refuses another holder while live and hands over with a higher token once expired', async () => {
    const store = fixture.newStore();
    const first = await acquired(store.lease.acquire('a', 1000, 0));
    const refused = await store.lease.acquire('b', 1000, 999);
    expect(refused).toEqual({ acquired: false, current: { holder: 'a', token: 1, expiresAt: 1000 } });
    const second = await acquired(store.lease.acquire('b', 1000, 1000));
    expect(second.token).toBe(first.token + 1);
  });

  it('gives a new token when the same holder name acquires again while live, fencing out the earlier lease', async () => {
    // A restarted replica, or the old task of a rolling deploy, under the same name.
    const store = fixture.newStore();
    const earlier = await acquired(store.lease.acquire('a', 1000, 0));
    const again = await acquired(store.lease.acquire('a', 1000, 500));
    expect(again).toEqual({ holder: 'a', token: earlier.token + 1, ttlMs: 1000, expiresAt: 1500 });
    await expect(store.lease.renew(earlier, 600)).rejects.toBeInstanceOf(LeaseLostError);
    await expect(store.topology.write(earlier, { phase: 'steady', primary: 'us-east-1', flips: [], sequence: 0 }, 0, 600)).rejects.toBeInstanceOf(
      StaleTokenError,
    );
  });

  it('gives the same holder a new token after its lease expired', async () => {
    const store = fixture.newStore();
    const first = await acquired(store.lease.acquire('a', 1000, 0));
    const later = await acquired(store.lease.acquire('a', 1000, 5000));
    expect(later.token).toBe(first.token + 1);
  });

  it('renews a live lease and refuses to renew an expired or taken one', async () => {
    const store = fixture.newStore();
    const lease = await acquired(store.lease.acquire('a', 1000, 0));
    const renewed = await store.lease.renew(lease, 900);
    expect(renewed.expiresAt).toBe(1900);
    await expect(store.lease.renew(renewed, 1900)).rejects.toThrow(/expired at 1900/);
    const taken = await acquired(store.lease.acquire('b', 1000, 2000));
    const error = await store.lease.renew(renewed, 2100).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LeaseLostError);
    expect((error as LeaseLostError).transient).toBe(false);
    expect((error as Error).message).toMatch(/held by b with token 2/);
    expect(taken.token).toBe(2);
  });

  it('keeps the token on release, so the next holder gets a higher one', async () => {
    const store = fixture.newStore();
    const first = await acquired(store.lease.acquire('a', 10_000, 0));
    expect(await store.lease.release(first)).toBe(true);
    expect(await store.lease.read()).toEqual({ token: 1, expiresAt: 0 });
    expect(await store.lease.release(first)).toBe(false);
    const next = await acquired(store.lease.acquire('a', 10_000, 1));
    expect(next.token).toBe(2);
  });

  it('lets exactly one of many racing contenders win', async () => {
    const store = fixture.newStore();
    const contenders = Array.from({ length: 20 }, (_, i) => `replica-${i}`);
    const results = await Promise.all(contenders.map((holder) => store.lease.acquire(holder, 5000, 100)));
    const winners = results.filter((r) => r.acquired);
    expect(winners).toHaveLength(1);
    const winner = winners[0];
    if (!winner?.acquired) throw new Error('no winner');
    expect(winner.lease.token).toBe(1);
    for (const loser of results.filter((r) => !r.acquired)) {
      expect(loser).toEqual({ acquired: false, current: { holder: winner.lease.holder, token: 1, expiresAt: 5100 } });
    }
  });

  it('lets exactly one win a racing takeover of an expired lease, with the token raised once', async () => {
    const store = fixture.newStore();
    await acquired(store.lease.acquire('old', 1000, 0));
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => store.lease.acquire(`new-${i}`, 1000, 2000)));
    expect(results.filter((r) => r.acquired)).toHaveLength(1);
    expect((await store.lease.read())?.token).toBe(2);
  });

  it.each([
    { holder: '', ttlMs: 1000, field: /holder/ },
    { holder: 'a', ttlMs: 0, field: /ttlMs/ },
    { holder: 'a', ttlMs: Number.NaN, field: /ttlMs/ },
  ])('refuses bad input ($holder, $ttlMs) and changes nothing', async ({ holder, ttlMs, field }) => {
    const store = fixture.newStore();
    const error = await store.lease.acquire(holder, ttlMs, 0).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect([(error as InputError).message, ...(error as InputError).problems].join(' ')).toMatch(field);
    expect(await store.lease.read()).toBeUndefined();
  });
});
