import { createHash } from 'node:crypto';
import { InputError } from '../../kernel/errors.js';
import { canonicalJson } from './canonical-json.js';
import type { AuditEntry, AuditPhase, AuditRecord, ChainCheck, ReconcileMark } from './state-store.js';

/** `prevHash` of the first record of a chain. */
export const GENESIS_HASH = '0'.repeat(64);

const PHASES: readonly AuditPhase[] = ['intent', 'result', 'refused'];

/** SHA-256 (hex) over the canonical JSON of the record without its `hash`. */
export function hashRecord(record: Omit<AuditRecord, 'hash'>): string {
  return createHash('sha256').update(canonicalJson(record)).digest('hex');
}

/** The record that follows `previous` (undefined: the chain is empty). */
export function nextRecord(previous: Pick<AuditRecord, 'seq' | 'hash'> | undefined, entry: AuditEntry, mark?: ReconcileMark): AuditRecord {
  const unhashed: Omit<AuditRecord, 'hash'> = {
    seq: (previous?.seq ?? 0) + 1,
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    phase: entry.phase,
    details: entry.details,
    prevHash: previous?.hash ?? GENESIS_HASH,
    ...(mark && { reconciledFrom: mark.reconciledFrom, localHash: mark.localHash }),
  };
  return { ...unhashed, hash: hashRecord(unhashed) };
}

/** Checks sequence, links and hashes from the first record on; reports the first broken one. */
export function verifyChain(records: readonly AuditRecord[]): ChainCheck {
  let previous: AuditRecord | undefined;
  for (const [position, record] of records.entries()) {
    const expectedSeq = position + 1;
    const broken = (reason: string): ChainCheck => ({ ok: false, count: records.length, brokenAt: expectedSeq, reason });
    if (record.seq !== expectedSeq) return broken(`expected seq ${expectedSeq}, found ${String(record.seq)}`);
    if (record.prevHash !== (previous?.hash ?? GENESIS_HASH)) return broken(`prevHash does not match the hash of record ${expectedSeq - 1}`);
    const { hash, ...unhashed } = record;
    if (hashRecord(unhashed) !== hash) return broken('hash does not match the record content (edited)');
    previous = record;
  }
  return { ok: true, count: records.length };
}

/** Refuses an entry that would not make a readable, hashable record; names the field and the fix. */
export function validateAuditEntry(entry: AuditEntry): void {
  const problems: string[] = [];
  if (!Number.isFinite(entry.at)) problems.push('at: must be a timestamp in milliseconds');
  if (typeof entry.actor !== 'string' || entry.actor.trim() === '') problems.push('actor: name who acts (a user or a replica)');
  if (typeof entry.action !== 'string' || entry.action.trim() === '') problems.push('action: name the action, e.g. "failover"');
  if (!PHASES.includes(entry.phase)) problems.push(`phase: must be one of ${PHASES.join(', ')}`);
  if (typeof entry.details !== 'object' || entry.details === null || Array.isArray(entry.details)) {
    problems.push('details: must be an object of plain JSON values');
  } else {
    try {
      canonicalJson(entry.details);
    } catch (error) {
      problems.push(`details: ${(error as Error).message}`);
    }
  }
  if (problems.length > 0) throw new InputError('invalid audit entry; nothing was recorded', problems);
}
