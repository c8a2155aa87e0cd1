import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryAuthFailures } from '../../../../controller/store/auth-failures.js';
import type { AuthFailureStore } from '../../../../controller/store/api-records.js';
import { startStoreFixture, storeAt, type StoreFixture } from './fixture.js';

let fixture: StoreFixture;
beforeAll(async () => {
  fixture = await startStoreFixture();
});
afterAll(async () => {
  await fixture.close();
});

const WINDOW = 60_000;
const start = 1_700_000_020_000; // 40 s into a window of a minute, which ends 20 s later

/** The state store's count and the replica's own count keep one contract. */
const kinds: [string, () => AuthFailureStore][] = [
  ['in the state store', () => fixture.newStore().authFailures],
  ['in memory', () => new MemoryAuthFailures()],
];

describe.each(kinds)('failed authentications %s', (_kind, make) => {
  it('counts per address in fixed windows that start at multiples of the window', async () => {
    const failures = make();
    expect(await failures.read('10.0.0.1', start, WINDOW)).toEqual({ failures: 0, windowEndsAt: 1_700_000_040_000 });
    expect(await failures.record('10.0.0.1', start, WINDOW)).toEqual({ failures: 1, windowEndsAt: 1_700_000_040_000 });
    expect(await failures.record('10.0.0.1', start + 19_999, WINDOW)).toMatchObject({ failures: 2 });
    expect(await failures.read('10.0.0.1', start + 19_999, WINDOW)).toMatchObject({ failures: 2 });
    expect(await failures.read('10.0.0.2', start, WINDOW)).toMatchObject({ failures: 0 });
    // The next window starts from zero.
    expect(await failures.read('10.0.0.1', start + 20_000, WINDOW)).toEqual({ failures: 0, windowEndsAt: 1_700_000_100_000 });
    expect(await failures.record('10.0.0.1', start + 20_000, WINDOW)).toMatchObject({ failures: 1 });
  });

  it('counts every one of many concurrent failures', async () => {
    const failures = make();
    await Promise.all(Array.from({ length: 25 }, (_, i) => failures.record('::1', start + i, WINDOW)));
    expect(await failures.read('::1', start + 25, WINDOW)).toMatchObject({ failures: 25 });
  });
});

describe('failed authentications in the state store', () => {
  it('are one count for every store client on the table (every replica)', async () => {
    const one = fixture.newStore();
    const other = storeAt(fixture.dynamo.endpoint, one.namespace);
    try {
      await one.authFailures.record('10.0.0.9', start, WINDOW);
      await other.authFailures.record('10.0.0.9', start + 1, WINDOW);
      expect(await one.authFailures.read('10.0.0.9', start + 2, WINDOW)).toMatchObject({ failures: 2 });
    } finally {
      other.close();
    }
  });
});
