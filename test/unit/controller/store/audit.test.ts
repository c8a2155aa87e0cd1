import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../../kernel/errors.js';
import { GENESIS_HASH, hashRecord } from '../../../../controller/store/audit-chain.js';
import type { DynamoStateStore } from '../../../../controller/store/dynamo-store.js';
import type { AuditEntry, AuditRecord } from '../../../../controller/store/state-store.js';
import { startStoreFixture, TABLE, tableOptions, type StoreFixture } from './fixture.js';

let fixture: StoreFixture;
beforeAll(async () => {
  fixture = await startStoreFixture();
});
afterAll(async () => {
  await fixture.close();
});

const entry = (n: number, overrides: Partial<AuditEntry> = {}): AuditEntry => ({
  at: 1000 + n,
  actor: 'alice',
  action: 'failover',
  phase: 'intent',
  details: { to: 'us-west-2', n },
  ...overrides,
});

async function filled(count: number): Promise<DynamoStateStore> {
  const store = fixture.newStore();
  for (let n = 1; n <= count; n++) await store.audit.append(entry(n));
  return store;
}

/** Rewrites one stored record, as someone with table access might. */
async function tamper(store: DynamoStateStore, seq: number, edit: (record: AuditRecord) => AuditRecord): Promise<void> {
  const { client } = tableOptions(fixture.dynamo.endpoint);
  const Key = { pk: { S: `${store.namespace}#audit` }, sk: { S: String(seq).padStart(12, '0') } };
  const { Item } = await client.send(new GetItemCommand({ TableName: TABLE, Key }));
  const record = JSON.parse(Item?.record?.S ?? 'null') as AuditRecord;
  await client.send(new PutItemCommand({ TableName: TABLE, Item: { ...Item, record: { S: JSON.stringify(edit(record)) } } }));
  client.destroy();
}

describe('audit chain', () => {
  it('appends hash-chained records', async () => {
    const store = fixture.newStore();
    const first = await store.audit.append(entry(1));
    const second = await store.audit.append(entry(2, { phase: 'result', details: { ok: true } }));
    expect(first).toMatchObject({ seq: 1, prevHash: GENESIS_HASH, at: 1001, actor: 'alice', phase: 'intent' });
    expect(second).toMatchObject({ seq: 2, prevHash: first.hash, phase: 'result', details: { ok: true } });
    const { hash, ...unhashed } = second;
    expect(hash).toBe(hashRecord(unhashed));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('lists newest first, with limit and before for paging back', async () => {
    const store = await filled(5);
    expect((await store.audit.list()).map((r) => r.seq)).toEqual([5, 4, 3, 2, 1]);
    expect((await store.audit.list({ limit: 2 })).map((r) => r.seq)).toEqual([5, 4]);
    expect((await store.audit.list({ limit: 2, before: 4 })).map((r) => r.seq)).toEqual([3, 2]);
    expect((await store.audit.list({ before: 1 })).map((r) => r.seq)).toEqual([]);
  });

  it('verifies an intact chain, and an empty one', async () => {
    expect(await fixture.newStore().audit.verify()).toEqual({ ok: true, count: 0 });
    expect(await (await filled(4)).audit.verify()).toEqual({ ok: true, count: 4 });
  });

  it('keeps one unbroken chain under concurrent appends', async () => {
    const store = fixture.newStore();
    const records = await Promise.all(Array.from({ length: 25 }, (_, i) => store.audit.append(entry(i, { actor: `replica-${i % 3}` }))));
    expect(records.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(await store.audit.verify()).toEqual({ ok: true, count: 25 });
  });

  it.each([
    { name: 'edited details', seq: 3, edit: (r: AuditRecord) => ({ ...r, details: { to: 'eu-west-1' } }), reason: /hash does not match/ },
    { name: 'edited actor', seq: 1, edit: (r: AuditRecord) => ({ ...r, actor: 'mallory' }), reason: /hash does not match/ },
    { name: 'edited timestamp', seq: 5, edit: (r: AuditRecord) => ({ ...r, at: 0 }), reason: /hash does not match/ },
    {
      name: 'record rewritten with a recomputed hash',
      seq: 2,
      // The forger fixes record 2's own hash; record 3's link gives it away.
      edit: (r: AuditRecord) => {
        const { hash: _old, ...rest } = { ...r, action: 'nothing-happened' };
        return { ...rest, hash: hashRecord(rest) };
      },
      brokenAt: 3,
      reason: /prevHash/,
    },
    { name: 'renumbered', seq: 4, edit: (r: AuditRecord) => ({ ...r, seq: 9 }), reason: /expected seq 4/ },
  ])('detects tampering: $name', async ({ seq, edit, reason, brokenAt }) => {
    const store = await filled(5);
    await tamper(store, seq, edit);
    const check = await store.audit.verify();
    expect(check).toMatchObject({ ok: false, count: 5, brokenAt: brokenAt ?? seq });
    expect(check.reason).toMatch(reason);
  });

  it.each([
    { name: 'empty actor', bad: { actor: '' }, field: /^actor/ },
    { name: 'unknown phase', bad: { phase: 'maybe' }, field: /^phase/ },
    { name: 'non-finite at', bad: { at: Number.NaN }, field: /^at/ },
    { name: 'details not an object', bad: { details: ['x'] }, field: /^details/ },
    { name: 'details with a non-JSON number', bad: { details: { lag: Number.POSITIVE_INFINITY } }, field: /^details/ },
  ])('refuses an entry with $name and appends nothing', async ({ bad, field }) => {
    const store = fixture.newStore();
    const error = await store.audit.append({ ...entry(1), ...bad } as AuditEntry).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).problems.some((p) => field.test(p))).toBe(true);
    expect(await store.audit.list()).toEqual([]);
  });

  it('refuses bad list bounds', async () => {
    const store = fixture.newStore();
    await expect(store.audit.list({ limit: 0 })).rejects.toBeInstanceOf(InputError);
    await expect(store.audit.list({ before: -1 })).rejects.toBeInstanceOf(InputError);
  });
});
