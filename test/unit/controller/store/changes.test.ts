import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../../kernel/errors.js';
import { ConflictError } from '../../../../controller/store/errors.js';
import type { ChangeStart } from '../../../../controller/store/api-records.js';
import { startStoreFixture, type StoreFixture } from './fixture.js';

let fixture: StoreFixture;
beforeAll(async () => {
  fixture = await startStoreFixture();
});
afterAll(async () => {
  await fixture.close();
});

const start = (at: number, region = 'us-east-1', extra: Partial<ChangeStart> = {}): ChangeStart => ({
  stack: `prod-${region}`,
  regions: [region],
  commit: 'abc1234def',
  pr: 42,
  rollout: 'rollout-1',
  startedAt: at,
  startedBy: 'deploy-bot',
  ...extra,
});

describe('infrastructure changes in the state store', () => {
  it('keeps each change from its start to its finish, and lists those started since a time, oldest first', async () => {
    const store = fixture.newStore();
    const early = await store.changes.start(start(1_000, 'us-west-2'));
    const { pr: _pr, ...withoutPr } = start(5_000, 'eu-west-1');
    const late = await store.changes.start(withoutPr);
    expect(early).toEqual({ id: expect.stringMatching(/^chg-000000000001000-[0-9a-f]{8}$/), ...start(1_000, 'us-west-2') });
    expect(late).not.toHaveProperty('pr');

    const finished = await store.changes.finish(early.id, { at: 2_000, outcome: 'applied' });
    expect(finished).toMatchObject({ id: early.id, finishedAt: 2_000, outcome: 'applied' });
    expect(await store.changes.get(early.id)).toEqual(finished);

    expect((await store.changes.listSince(0)).map((c) => c.id)).toEqual([early.id, late.id]);
    expect((await store.changes.listSince(3_000)).map((c) => c.id)).toEqual([late.id]);
    expect(await store.changes.listSince(6_000)).toEqual([]);
  });

  it('finishes a change once: a second finish, or one of an unknown change, is refused', async () => {
    const store = fixture.newStore();
    const change = await store.changes.start(start(10_000));
    await store.changes.finish(change.id, { at: 11_000, outcome: 'failed' });
    await expect(store.changes.finish(change.id, { at: 12_000, outcome: 'applied' })).rejects.toThrow(ConflictError);
    expect((await store.changes.get(change.id))?.outcome).toBe('failed');
    await expect(store.changes.finish('chg-000000000000001-00000000', { at: 12_000, outcome: 'applied' })).rejects.toThrow(/no change "chg-000000000000001-00000000"/);
    expect(await store.changes.get('chg-000000000000001-00000000')).toBeUndefined();
  });

  it('refuses a change without regions or a finish before its start, naming the field', async () => {
    const store = fixture.newStore();
    await expect(store.changes.start(start(1, 'us-east-1', { regions: [] }))).rejects.toThrow(InputError);
    const change = await store.changes.start(start(20_000));
    await expect(store.changes.finish(change.id, { at: 19_999, outcome: 'applied' })).rejects.toThrow(/before the change started/);
  });
});
