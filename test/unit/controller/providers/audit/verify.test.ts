import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { signedPayload, type Checkpoint, type SignedCheckpoint } from '../../../../../controller/providers/audit/checkpoint.js';
import { LocalCheckpointKey } from '../../../../../controller/providers/audit/local.js';
import { verifyTrail, type TrailProblemKind } from '../../../../../controller/providers/audit/verify.js';
import { nextRecord } from '../../../../../controller/store/audit-chain.js';
import type { AuditRecord } from '../../../../../controller/store/state-store.js';

/** The tamper suite, on the pure check: a chain of 12 records, checkpoints by two replicas after records 5 and 10. */

const key = new LocalCheckpointKey(mkdtempSync(join(tmpdir(), 'fcp-ckpt-')), { sign: true });
const NOW = 1_000_000;

function chain(count: number, from: AuditRecord[] = []): AuditRecord[] {
  const records = [...from];
  for (let i = records.length; i < count; i++) records.push(nextRecord(records.at(-1), { at: NOW - 60_000 + i, actor: `replica/${i % 2 ? 'us-west-2' : 'eu-west-1'}/abc`, action: 'failover/flip-traffic', phase: 'intent', details: { i } }));
  return records;
}

async function signed(checkpoint: Checkpoint): Promise<SignedCheckpoint> {
  return { ...checkpoint, keyId: key.keyId, signature: await key.sign(signedPayload(checkpoint)) };
}

/** Each replica attests the records it wrote (odd ones us-west-2, even ones eu-west-1) up to `through`. */
async function checkpointsOf(records: AuditRecord[], throughs: number[]): Promise<SignedCheckpoint[]> {
  const out: SignedCheckpoint[] = [];
  let from = 0;
  for (const through of throughs) {
    for (const writer of ['replica/us-west-2/abc', 'replica/eu-west-1/abc']) {
      const mine = records.slice(from, through).filter((r) => r.actor === writer);
      out.push(await signed({ writer, at: NOW - 30_000 + through, head: { seq: through, hash: records[through - 1]!.hash }, records: mine.map((r) => [r.seq, r.hash]) }));
    }
    from = through;
  }
  return out;
}

async function check(records: AuditRecord[], checkpoints: SignedCheckpoint[]) {
  const verified = new Set<number>();
  for (const [i, c] of checkpoints.entries()) if (await key.verify(signedPayload(c), c.signature, c.keyId)) verified.add(i);
  return verifyTrail({ records, checkpoints, verified, now: NOW, graceMs: 70_000 });
}

const original = chain(12);
const genuine = () => checkpointsOf(original, [5, 10]);

describe('verifyTrail: the tamper suite', () => {
  it('passes an untouched chain, with the newest records awaiting their checkpoint', async () => {
    const result = await check(original, await genuine());
    expect(result).toMatchObject({ ok: true, count: 12, checkpoints: 4, attestedThrough: 10, awaitingCheckpoint: 2, problems: [] });
  });

  const relink = (records: AuditRecord[], from: number) => {
    // A store writer rewrites record `from` and re-links everything after it, so the chain's own links hold.
    const kept = records.slice(0, from - 1);
    const forged = nextRecord(kept.at(-1), { ...records[from - 1]!, details: { i: 'rewritten' } });
    return chain(records.length, [...kept, forged]);
  };
  const forgedAppend = (records: AuditRecord[]) => [...records, nextRecord(records.at(-1), { at: NOW - 200_000, actor: 'replica/us-west-2/abc', action: 'decision/failover', phase: 'intent', details: { forged: true } })];

  const cases: { name: string; tamper: (r: AuditRecord[]) => AuditRecord[]; kind: TrailProblemKind; range: [number, number] }[] = [
    { name: 'one record edited in place', tamper: (r) => r.map((x) => (x.seq === 7 ? { ...x, details: { i: 'edited' } } : x)), kind: 'edited', range: [7, 7] },
    { name: 'the newest 4 records deleted', tamper: (r) => r.slice(0, 8), kind: 'truncated', range: [9, 10] },
    { name: 'rewritten from record 4 and re-linked', tamper: (r) => relink(r, 4), kind: 'rewritten', range: [4, 10] },
    { name: 'a forged record appended long after the last checkpoint', tamper: forgedAppend, kind: 'not-attested', range: [13, 13] },
    { name: 'the table wiped', tamper: () => [], kind: 'wiped', range: [1, 10] },
  ];

  it.each(cases)('finds $name, with the range affected', async ({ tamper, kind, range }) => {
    const result = await check(tamper(original), await genuine());
    expect(result.ok).toBe(false);
    expect(result.problems).toContainEqual(expect.objectContaining({ kind, range }));
  });

  it('finds a forged record slipped in before attested ones (the replica that wrote the next ones does not vouch for it)', async () => {
    const withForgery = chain(12, [...original.slice(0, 6), nextRecord(original[5], { at: NOW - 50_000, actor: 'replica/us-west-2/abc', action: 'decision/failover', phase: 'intent', details: { forged: true } })]);
    // The replicas, reading the store after the forgery, checkpoint the heads and their own records.
    const checkpoints = [...(await checkpointsOf(original, [5])), ...(await checkpointsOf(withForgery, [10])).map((c) => c)];
    const own = await Promise.all(
      checkpoints.map(async (c) => (c.head.seq === 10 ? signed({ ...c, records: c.records.filter(([seq]) => seq !== 7) }) : c)),
    );
    const result = await check(withForgery, own);
    expect(result.problems).toContainEqual(expect.objectContaining({ kind: 'not-attested', range: [7, 7] }));
  });

  it('refuses a checkpoint whose signature does not hold, and does not trust what it says', async () => {
    const checkpoints = await genuine();
    const forged = { ...checkpoints[3]!, head: { seq: 12, hash: original[11]!.hash } };
    const result = await check(original, [...checkpoints.slice(0, 3), forged]);
    expect(result.problems).toContainEqual(expect.objectContaining({ kind: 'bad-signature' }));
    expect(result.attestedThrough).toBe(10);
  });
});
