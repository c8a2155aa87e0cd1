import { resolve } from 'node:path';
import { InputError } from '../../kernel/errors.js';
import { readLocalAudit } from './local-audit.js';
import { verifyChain } from './audit-chain.js';
import type { AuditStore } from './state-store.js';

export interface ReconcileReport {
  file: string;
  /** Records in the break-glass file. */
  local: number;
  /** Records appended to the store's chain by this run. */
  appended: number;
  /** Records found already reconciled (an earlier run). */
  alreadyPresent: number;
}

/**
 * Appends a break-glass file's records to the store's chain, in file order, keeping their original
 * timestamps and marking them `reconciledFrom`. A record is recognised by its hash in the file
 * (`localHash`), so running it again, or on a copy of the file, appends nothing new. A file whose
 * own chain is broken is refused whole. One reconcile at a time: two concurrent runs on the same
 * file could both append a record.
 */
export async function reconcile(audit: AuditStore, file: string): Promise<ReconcileReport> {
  const path = resolve(file);
  const records = await readLocalAudit(path);
  const check = verifyChain(records);
  if (!check.ok) {
    throw new InputError(`break-glass audit file ${path} does not verify; nothing was reconciled`, [
      `record ${check.brokenAt}: ${check.reason}`,
    ]);
  }
  const present = new Set((await audit.readAll()).flatMap((record) => (record.localHash === undefined ? [] : [record.localHash])));
  let appended = 0;
  for (const record of records) {
    if (present.has(record.hash)) continue;
    const { at, actor, action, phase, details } = record;
    await audit.appendReconciled({ at, actor, action, phase, details }, { reconciledFrom: path, localHash: record.hash });
    appended++;
  }
  return { file: path, local: records.length, appended, alreadyPresent: records.length - appended };
}
