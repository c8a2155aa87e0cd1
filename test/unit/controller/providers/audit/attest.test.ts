import { DeleteItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../../../kernel/logging.js';
import { attestAppends, Checkpointer } from '../../../../../controller/providers/audit/attest.js';
import { checkAuditTrail } from '../../../../../controller/providers/audit/check.js';
import { LocalCheckpointKey, LocalCheckpointLog } from '../../../../../controller/providers/audit/local.js';
import { nextRecord } from '../../../../../controller/store/audit-chain.js';
import { createDynamoClient } from '../../../../../controller/store/client.js';
import { startStoreFixture, TABLE, type StoreFixture } from '../../store/fixture.js';

/**
 * Tamper evidence end to end on the real store (dynalite): two replicas append and checkpoint
 * through their attested audit; then someone with write access to the table tampers with it
 * directly, and the check names what was done and where.
 */

let fixture: StoreFixture;
beforeAll(async () => {
  fixture = await startStoreFixture();
});
afterAll(async () => fixture.close());

const logger = createLogger({ name: 'test', level: 'silent', pretty: false });
let now = 1_800_000_000_000;
const clock = { now: () => now, sleep: async () => undefined };

async function deployment() {
  const dir = mkdtempSync(join(tmpdir(), 'fcp-attest-'));
  const store = fixture.newStore();
  const key = new LocalCheckpointKey(dir, { sign: true });
  const log = new LocalCheckpointLog(dir);
  const replicas = ['replica/us-west-2/aaaa', 'replica/eu-west-1/bbbb'].map((writer) => {
    const { store: attested, audit } = attestAppends(store);
    return { writer, store: attested, checkpointer: new Checkpointer({ audit, signer: key, log, writer, every: 30_000, clock, logger }) };
  });
  for (let i = 0; i < 8; i++) {
    const replica = replicas[i % 2]!;
    await replica.store.audit.append({ at: now, actor: replica.writer, action: 'failover/flip-traffic', phase: i % 2 ? 'result' : 'intent', details: { i } });
    now += 2000;
    for (const r of replicas) await r.checkpointer.tick();
  }
  const raw = createDynamoClient({ region: 'us-east-1', endpoint: fixture.dynamo.endpoint, credentials: { accessKeyId: 't', secretAccessKey: 't' }, connectTimeoutMs: 500, requestTimeoutMs: 2000, maxAttempts: 1 });
  const recordKey = (seq: number) => ({ pk: { S: `${store.namespace}#audit` }, sk: { S: String(seq).padStart(12, '0') } });
  const check = () => checkAuditTrail(store.audit, { log, verifier: key }, now + 120_000, 30_000);
  return { store, raw, key: recordKey, check };
}

describe('the audit trail against someone who can write to the store', () => {
  it('verifies when nobody tampered', async () => {
    const { check } = await deployment();
    expect(await check()).toMatchObject({ ok: true, count: 8, attestedThrough: 8 });
  });

  it('finds the newest records deleted, with their range', async () => {
    const { raw, key, check } = await deployment();
    for (const seq of [8, 7, 6]) await raw.send(new DeleteItemCommand({ TableName: TABLE, Key: key(seq) }));
    expect((await check()).problems).toContainEqual(expect.objectContaining({ kind: 'truncated', range: [6, 8] }));
  });

  it('finds a forged append, valid in the chain but written by no replica', async () => {
    const { store, raw, key, check } = await deployment();
    const head = (await store.audit.list({ limit: 1 }))[0]!;
    const forged = nextRecord(head, { at: now - 100_000, actor: 'replica/us-west-2/aaaa', action: 'decision/failover', phase: 'intent', details: { forged: true } });
    await raw.send(new PutItemCommand({ TableName: TABLE, Item: { ...key(9), seq: { N: '9' }, record: { S: JSON.stringify(forged) } } }));
    expect((await store.audit.verify()).ok).toBe(true); // the chain's own links cannot tell
    expect((await check()).problems).toContainEqual(expect.objectContaining({ kind: 'not-attested', range: [9, 9] }));
  });

  it('finds every record deleted (a wiped chain)', async () => {
    const { raw, key, check } = await deployment();
    for (let seq = 1; seq <= 8; seq++) await raw.send(new DeleteItemCommand({ TableName: TABLE, Key: key(seq) }));
    const result = await check();
    expect(result).toMatchObject({ ok: false, count: 0 });
    expect(result.problems).toContainEqual(expect.objectContaining({ kind: 'wiped', range: [1, 8] }));
  });

  it('finds the chain rewritten from record 3 and re-linked', async () => {
    const { store, raw, key, check } = await deployment();
    const records = await store.audit.readAll();
    let previous = records[1]!;
    for (const original of records.slice(2)) {
      const rewritten = nextRecord(previous, { ...original, details: { ...original.details, rewritten: true } });
      await raw.send(new PutItemCommand({ TableName: TABLE, Item: { ...key(rewritten.seq), seq: { N: String(rewritten.seq) }, record: { S: JSON.stringify(rewritten) } } }));
      previous = rewritten;
    }
    expect((await store.audit.verify()).ok).toBe(true);
    expect((await check()).problems).toContainEqual(expect.objectContaining({ kind: 'rewritten', range: [3, 8] }));
  });
});
