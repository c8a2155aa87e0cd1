import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../../kernel/errors.js';
import { ConflictError, StoreError } from '../../../../controller/store/errors.js';
import type { DynamoStateStore } from '../../../../controller/store/dynamo-store.js';
import type { Lease } from '../../../../controller/store/state-store.js';
import { startStoreFixture, type StoreFixture } from './fixture.js';
import { samplePlan } from './plans.js';

let fixture: StoreFixture;
beforeAll(async () => {
  fixture = await startStoreFixture();
});
afterAll(async () => {
  await fixture.close();
});

async function holder(): Promise<{ store: DynamoStateStore; lease: Lease }> {
  const store = fixture.newStore();
  const result = await store.lease.acquire('us-east-1', 1_000_000, 0);
  if (!result.acquired) throw new Error('lease not acquired');
  return { store, lease: result.lease };
}

describe('journal', () => {
  it('round-trips a plan execution step by step', async () => {
    const { store, lease } = await holder();
    const plan = samplePlan('plan-7');
    const head = await store.journal.begin(lease, plan, 100);
    expect(head).toEqual({ plan, status: 'running', startedAt: 100, fenceToken: lease.token });

    await store.journal.startStep(lease, plan.id, 1, 110);
    await store.journal.finishStep(lease, plan.id, 1, { status: 'done', result: { writer: 'us-west-2' } }, 120);
    await store.journal.finishStep(lease, plan.id, 2, { status: 'skipped' }, 130);
    await store.journal.startStep(lease, plan.id, 3, 140);
    await store.journal.finishStep(lease, plan.id, 3, { status: 'failed', error: 'Throttling' }, 150);
    await store.journal.startStep(lease, plan.id, 3, 160);
    await store.journal.finishStep(lease, plan.id, 3, { status: 'done' }, 170);
    await store.journal.finish(lease, plan.id, 'succeeded', 180);

    const journal = await store.journal.read(plan.id);
    expect(journal?.head).toEqual({ plan, status: 'succeeded', startedAt: 100, finishedAt: 180, fenceToken: lease.token });
    expect(journal?.steps).toEqual([
      { index: 1, status: 'done', attempts: 1, startedAt: 110, finishedAt: 120, result: { writer: 'us-west-2' }, fenceToken: lease.token },
      { index: 2, status: 'skipped', attempts: 0, finishedAt: 130, fenceToken: lease.token },
      // The retry cleared the first attempt's error.
      { index: 3, status: 'done', attempts: 2, startedAt: 160, finishedAt: 170, fenceToken: lease.token },
    ]);
  });

  it('shows steps never started as pending', async () => {
    const { store, lease } = await holder();
    await store.journal.begin(lease, samplePlan('p', 1, 2), 1);
    expect((await store.journal.read('p'))?.steps).toEqual([
      { index: 1, status: 'pending', attempts: 0, fenceToken: 0 },
      { index: 2, status: 'pending', attempts: 0, fenceToken: 0 },
    ]);
    expect(await store.journal.read('missing')).toBeUndefined();
  });

  it('treats beginning the same plan again as a repeat, and another plan with the same id as a conflict', async () => {
    const { store, lease } = await holder();
    await store.journal.begin(lease, samplePlan('p'), 1);
    await store.journal.startStep(lease, 'p', 1, 2);
    await expect(store.journal.begin(lease, samplePlan('p'), 3)).resolves.toMatchObject({ startedAt: 1, status: 'running' });
    await expect(store.journal.begin(lease, { ...samplePlan('p'), reason: 'other' }, 3)).rejects.toBeInstanceOf(ConflictError);
    expect((await store.journal.read('p'))?.steps[0]?.status).toBe('started');
  });

  it('finds the newest unfinished plan for resume', async () => {
    const { store, lease } = await holder();
    expect(await store.journal.findUnfinished()).toBeUndefined();
    await store.journal.begin(lease, samplePlan('plan-a', 100), 100);
    await store.journal.finish(lease, 'plan-a', 'failed', 150, 'promote timed out');
    await store.journal.begin(lease, samplePlan('plan-b', 200), 200);
    await store.journal.startStep(lease, 'plan-b', 1, 210);
    await store.journal.finishStep(lease, 'plan-b', 1, { status: 'done' }, 220);

    const unfinished = await store.journal.findUnfinished();
    expect(unfinished?.head.plan.id).toBe('plan-b');
    expect(unfinished?.steps.map((s) => s.status)).toEqual(['done', 'pending', 'pending']);
    expect((await store.journal.listPlans()).map((h) => [h.plan.id, h.status, h.error])).toEqual([
      ['plan-a', 'failed', 'promote timed out'],
      ['plan-b', 'running', undefined],
    ]);
    await store.journal.finish(lease, 'plan-b', 'succeeded', 300);
    expect(await store.journal.findUnfinished()).toBeUndefined();
  });

  it('refuses to finish or claim a plan that was never begun', async () => {
    const { store, lease } = await holder();
    await expect(store.journal.finish(lease, 'ghost', 'failed', 1)).rejects.toBeInstanceOf(StoreError);
    await expect(store.journal.claim(lease, 'ghost', 1)).rejects.toThrow(/no plan "ghost"/);
    expect(await store.journal.listPlans()).toEqual([]);
  });

  it.each([
    { name: 'empty plan id', call: (s: DynamoStateStore, l: Lease) => s.journal.startStep(l, '', 1, 1), field: /planId/ },
    { name: 'step index 0', call: (s: DynamoStateStore, l: Lease) => s.journal.startStep(l, 'p', 0, 1), field: /index/ },
    { name: 'fractional index', call: (s: DynamoStateStore, l: Lease) => s.journal.finishStep(l, 'p', 1.5, { status: 'done' }, 1), field: /index/ },
  ])('refuses $name with an InputError naming the field', async ({ call, field }) => {
    const { store, lease } = await holder();
    const error = await call(store, lease).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).problems.join(' ')).toMatch(field);
  });
});
