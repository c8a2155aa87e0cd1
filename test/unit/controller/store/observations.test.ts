import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../../kernel/errors.js';
import type { PublishedObservations } from '../../../../controller/store/state-store.js';
import { startStoreFixture, type StoreFixture } from './fixture.js';

let fixture: StoreFixture;
beforeAll(async () => {
  fixture = await startStoreFixture();
});
afterAll(async () => {
  await fixture.close();
});

const published = (replica: string, at: number, failed = 0): PublishedObservations => ({
  replica,
  at,
  summaries: [{ region: 'us-east-1', service: 'api', vantage: replica, signal: 'http', ok: 5 - failed, failed, slow: 0, lastAt: at, lastDetail: failed ? 'HTTP 503' : undefined }],
  conditions: [{ type: 'TargetReady', status: 'true', reason: 'Healthy', message: 'us-west-2 ready', at, region: 'us-west-2' }],
});

describe('published observations', () => {
  it('keeps every replica’s latest view', async () => {
    const store = fixture.newStore();
    expect(await store.observations.readAll()).toEqual([]);
    expect(await store.observations.publish(published('us-east-1', 100))).toBe(true);
    expect(await store.observations.publish(published('us-west-2', 110, 3))).toBe(true);
    expect(await store.observations.publish(published('us-east-1', 200, 1))).toBe(true);
    const all = await store.observations.readAll();
    expect(all.map((o) => [o.replica, o.at])).toEqual([
      ['us-east-1', 200],
      ['us-west-2', 110],
    ]);
    expect(all[1]).toEqual(JSON.parse(JSON.stringify(published('us-west-2', 110, 3))));
  });

  it('ignores a publish older than the stored one', async () => {
    const store = fixture.newStore();
    await store.observations.publish(published('eu-west-1', 500, 2));
    expect(await store.observations.publish(published('eu-west-1', 400))).toBe(false);
    expect((await store.observations.readAll())[0]?.summaries[0]?.failed).toBe(2);
  });

  it.each([
    { name: 'no replica', bad: { replica: '' }, field: /replica/ },
    { name: 'no time', bad: { at: Number.NaN }, field: /at/ },
  ])('refuses a publish with $name', async ({ bad, field }) => {
    const store = fixture.newStore();
    const error = await store.observations.publish({ ...published('x', 1), ...bad }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).problems.join(' ')).toMatch(field);
  });
});
