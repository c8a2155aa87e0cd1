import type { Millis } from '../../../kernel/time.js';
import type { AuditStore } from '../../store/state-store.js';
import { signedPayload } from './checkpoint.js';
import type { CheckpointParts } from './from-config.js';
import { verifyTrail, type TrailCheck } from './verify.js';

/**
 * Reads the chain and the checkpoints, checks every checkpoint's signature, and judges the chain
 * against them. `every` is the checkpoint interval: a record may wait two of them (and a little)
 * before it counts as not attested.
 */
export async function checkAuditTrail(audit: Pick<AuditStore, 'readAll'>, checkpoints: Pick<CheckpointParts, 'log' | 'verifier'>, now: Millis, every: Millis): Promise<TrailCheck> {
  const [records, signed] = await Promise.all([audit.readAll(), checkpoints.log.readAll()]);
  const verified = new Set<number>();
  for (const [index, checkpoint] of signed.entries()) {
    const ok = await checkpoints.verifier.verify(signedPayload(checkpoint), checkpoint.signature, checkpoint.keyId).catch(() => false);
    if (ok) verified.add(index);
  }
  return verifyTrail({ records, checkpoints: signed, verified, now, graceMs: 2 * every + 10_000 });
}

export function renderTrailCheck(check: TrailCheck): string {
  const notes = [
    `attested through record ${check.attestedThrough} by ${check.checkpoints} signed checkpoint${check.checkpoints === 1 ? '' : 's'}`,
    ...(check.awaitingCheckpoint > 0 ? [`${check.awaitingCheckpoint} newest record(s) awaiting their checkpoint`] : []),
    ...(check.reconciled > 0 ? [`${check.reconciled} record(s) carried in from break-glass files`] : []),
  ].join('; ');
  if (check.ok) return `audit trail verifies: ${check.count} records; ${notes}`;
  return [`AUDIT TRAIL PROBLEMS (${check.count} records; ${notes}):`, ...check.problems.map((p) => `  - ${p.kind}${p.range ? ` [${p.range[0]}-${p.range[1]}]` : ''}: ${p.message}`)].join('\n');
}
