import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStoreFixture, TABLE, tableOptions, type StoreFixture } from './fixture.js';

let fixture: StoreFixture;
beforeAll(async () => {
  fixture = await startStoreFixture();
});
afterAll(async () => {
  await fixture.close();
});

const DAY = 86_400_000;
const TIMING = { staleAfterMs: 1000, ttlMs: DAY };

describe('idempotency keys', () => {
  it('the first claim runs; later claims see the fingerprint, then the stored response', async () => {
    const store = fixture.newStore();
    expect(await store.idempotency.claimKey('k-1', 'fp-a', 10, TIMING)).toEqual({ claimed: true });
    expect(await store.idempotency.claimKey('k-1', 'fp-a', 11, TIMING)).toEqual({ claimed: false, record: { key: 'k-1', fingerprint: 'fp-a', claimedAt: 10 } });
    await store.idempotency.completeKey('k-1', { statusCode: 202, body: { ok: true } });
    expect(await store.idempotency.claimKey('k-1', 'fp-b', 5000, TIMING)).toEqual({ claimed: false, record: { key: 'k-1', fingerprint: 'fp-a', claimedAt: 10, response: { statusCode: 202, body: { ok: true } } } });
  });

  it('an unanswered claim of the same call is taken over once stale, by exactly one caller', async () => {
    const store = fixture.newStore();
    await store.idempotency.claimKey('k-stale', 'fp', 0, TIMING);
    expect((await store.idempotency.claimKey('k-stale', 'fp', 999, TIMING)).claimed).toBe(false);
    expect((await store.idempotency.claimKey('k-stale', 'other', 5000, TIMING)).claimed).toBe(false);
    const takers = await Promise.all([1, 2, 3].map(() => store.idempotency.claimKey('k-stale', 'fp', 5000, TIMING)));
    expect(takers.filter((r) => r.claimed)).toHaveLength(1);
  });

  it('concurrent claims of one key: exactly one runs', async () => {
    const store = fixture.newStore();
    const results = await Promise.all([1, 2, 3].map((i) => store.idempotency.claimKey('k-race', `fp-${i}`, i, TIMING)));
    expect(results.filter((r) => r.claimed)).toHaveLength(1);
  });
});

describe('idempotency records expire', () => {
  const start = 1_700_000_000_000;

  it('a completed record replays until its TTL, and after it the key is absent: a new call claims it', async () => {
    const store = fixture.newStore();
    expect(await store.idempotency.claimKey('k-ttl', 'fp-a', start, TIMING)).toEqual({ claimed: true });
    await store.idempotency.completeKey('k-ttl', { statusCode: 202, body: { first: true } });
    const justBefore = await store.idempotency.claimKey('k-ttl', 'fp-b', start + DAY - 1000, TIMING);
    expect(justBefore).toMatchObject({ claimed: false, record: { fingerprint: 'fp-a', response: { body: { first: true } } } });
    expect(await store.idempotency.claimKey('k-ttl', 'fp-b', start + DAY, TIMING)).toEqual({ claimed: true });
    // The new claim is a fresh record: no answer of the old call is left to replay.
    expect(await store.idempotency.claimKey('k-ttl', 'fp-b', start + DAY + 1, TIMING)).toEqual({ claimed: false, record: { key: 'k-ttl', fingerprint: 'fp-b', claimedAt: start + DAY } });
  });

  it('of several callers reusing an expired key, exactly one claims it', async () => {
    const store = fixture.newStore();
    await store.idempotency.claimKey('k-expired-race', 'fp', start, TIMING);
    const results = await Promise.all([1, 2, 3, 4].map((i) => store.idempotency.claimKey('k-expired-race', `fp-${i}`, start + DAY + i, TIMING)));
    expect(results.filter((r) => r.claimed)).toHaveLength(1);
  });

  it('each record carries its expiry in epoch seconds, for DynamoDB TTL', async () => {
    const store = fixture.newStore();
    await store.idempotency.claimKey('k-attr', 'fp', start + 1, TIMING);
    const { client } = tableOptions(fixture.dynamo.endpoint);
    const item = await client.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: `${store.namespace}#idempotency#k-attr` }, sk: { S: 'key' } }, ConsistentRead: true }));
    client.destroy();
    expect(item.Item?.expiresAtEpochSeconds).toEqual({ N: String(Math.ceil((start + 1 + DAY) / 1000)) });
  });

  it('a record written before records expired is judged by its claim time', async () => {
    const store = fixture.newStore();
    const { client } = tableOptions(fixture.dynamo.endpoint);
    await client.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: `${store.namespace}#idempotency#k-old` }, sk: { S: 'key' }, fingerprint: { S: 'fp-a' }, claimedAt: { N: String(start) }, response: { S: '{"statusCode":202,"body":{}}' } } }));
    client.destroy();
    expect((await store.idempotency.claimKey('k-old', 'fp-b', start + DAY - 1, TIMING)).claimed).toBe(false);
    expect((await store.idempotency.claimKey('k-old', 'fp-b', start + DAY, TIMING)).claimed).toBe(true);
  });
});
