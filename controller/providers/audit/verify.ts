import type { Millis } from '../../../kernel/time.js';
import { verifyChain } from '../../store/audit-chain.js';
import type { AuditRecord } from '../../store/state-store.js';
import type { SignedCheckpoint } from './checkpoint.js';

export type TrailProblemKind = 'bad-signature' | 'edited' | 'rewritten' | 'truncated' | 'wiped' | 'not-attested';

export interface TrailProblem {
  kind: TrailProblemKind;
  /** The records affected, inclusive (absent for a problem of a checkpoint itself). */
  range?: [number, number];
  message: string;
}

export interface TrailCheck {
  ok: boolean;
  /** Records in the chain. */
  count: number;
  /** Checkpoints whose signature holds. */
  checkpoints: number;
  /** The highest record a signed checkpoint vouches for (0: none). */
  attestedThrough: number;
  /** Records newer than every checkpoint, still inside the grace period: not a problem yet. */
  awaitingCheckpoint: number;
  /** Records carried in from break-glass files, vouched for by those files' own chains. */
  reconciled: number;
  problems: TrailProblem[];
}

export interface TrailInput {
  records: readonly AuditRecord[];
  checkpoints: readonly SignedCheckpoint[];
  /** Indexes into `checkpoints` whose signature verified. */
  verified: ReadonlySet<number>;
  now: Millis;
  /** How long a new record may wait for its checkpoint before it counts as not attested. */
  graceMs: Millis;
}

/** How far ahead of the verifier's clock a record's time may be (clock skew between machines). */
const FUTURE_SKEW_MS = 5000;

const span = ([from, to]: [number, number]) => (from === to ? `record ${from}` : `records ${from}-${to}`);

/** Groups sorted sequence numbers into inclusive runs: [1,2,3,7] -> [[1,3],[7,7]]. */
function runs(seqs: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const seq of seqs) {
    const last = out.at(-1);
    if (last && seq === last[1] + 1) last[1] = seq;
    else out.push([seq, seq]);
  }
  return out;
}

/**
 * Checks the audit chain against the signed checkpoints (pure). The chain's own links find a record
 * edited in place; the checkpoints' heads find records removed from the end, a wiped chain, and a
 * chain rewritten and re-linked; their per-writer record lists find records that no replica wrote
 * (forged appends). Every problem names the records it concerns.
 */
export function verifyTrail(input: TrailInput): TrailCheck {
  const { records, checkpoints, verified } = input;
  const problems: TrailProblem[] = [];
  checkpoints.forEach((c, i) => {
    if (!verified.has(i)) problems.push({ kind: 'bad-signature', message: `checkpoint ${i + 1} (by ${c.writer} at ${new Date(c.at).toISOString()}) does not verify against the signing key: it is forged or damaged` });
  });
  const valid = checkpoints.filter((_, i) => verified.has(i));

  const links = verifyChain(records);
  if (!links.ok) problems.push({ kind: 'edited', range: [links.brokenAt!, links.brokenAt!], message: `record ${links.brokenAt}: ${links.reason}` });

  // What the signers saw (each head, and the records they wrote) fixes the chain's content; only
  // what they wrote vouches for who wrote it: a head also covers whatever a forger had just appended.
  const vouched = new Map<number, string>();
  for (const c of valid) for (const [seq, hash] of c.records) vouched.set(seq, hash);
  const seen = new Map(vouched);
  for (const c of valid) seen.set(c.head.seq, c.head.hash);
  const newestHead = Math.max(0, ...valid.map((c) => c.head.seq));
  if (newestHead > records.length) {
    const missing: [number, number] = [records.length + 1, newestHead];
    problems.push(
      records.length === 0
        ? { kind: 'wiped', range: missing, message: `the chain is empty, but a signed checkpoint saw ${newestHead} records: ${span(missing)} were deleted` }
        : { kind: 'truncated', range: missing, message: `${span(missing)} are missing: a signed checkpoint saw the chain reach ${newestHead}` },
    );
  }

  const mismatched = [...seen].filter(([seq, hash]) => seq <= records.length && records[seq - 1]!.hash !== hash).map(([seq]) => seq).sort((a, b) => a - b);
  for (const run of runs(mismatched)) {
    problems.push({ kind: 'rewritten', range: run, message: `${span(run)} differ from what the signed checkpoints saw: the chain was rewritten (and re-linked) up to ${run[1]}` });
  }

  const attestedThrough = Math.max(0, ...[...vouched.keys()].filter((seq) => seq <= records.length));
  const reconciled = records.filter((r) => r.reconciledFrom !== undefined).length;
  const unvouched: number[] = [];
  let awaitingCheckpoint = 0;
  for (const record of records) {
    if (vouched.get(record.seq) === record.hash || record.reconciledFrom !== undefined) continue;
    // The newest records may still be waiting for their writer's checkpoint (a record claiming to
    // come from the future is not given that benefit).
    const waiting = record.seq > attestedThrough && record.at > input.now - input.graceMs && record.at <= input.now + FUTURE_SKEW_MS;
    if (waiting) awaitingCheckpoint++;
    else unvouched.push(record.seq);
  }
  for (const run of runs(unvouched)) {
    const writers = [...new Set(records.slice(run[0] - 1, run[1]).map((r) => r.actor))].join(', ');
    problems.push({ kind: 'not-attested', range: run, message: `${span(run)} (by ${writers}) are vouched for by no replica's signed checkpoint: forged, or written by a replica that stopped before its checkpoint` });
  }

  return { ok: problems.length === 0, count: records.length, checkpoints: valid.length, attestedThrough, awaitingCheckpoint, reconciled, problems };
}
