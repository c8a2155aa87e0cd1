import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InputError } from '../../kernel/errors.js';
import { nextRecord, validateAuditEntry, verifyChain } from './audit-chain.js';
import type { AuditAppender, AuditEntry, AuditRecord, ChainCheck } from './state-store.js';

/**
 * The break-glass audit log: when the store is unreachable, `fcp failover --break-glass` appends
 * its records to a local JSONL file, hash-chained like the store's chain, and `reconcile` carries
 * them into the store later. One writer at a time (the operator's CLI).
 */
export class LocalAuditFile implements AuditAppender {
  /** Appends from this process run one after another, so each sees the previous one's hash. */
  private last: Promise<unknown> = Promise.resolve();

  constructor(readonly path: string) {}

  /** Appends one line and syncs it to disk before resolving: only then may the action start. */
  append(entry: AuditEntry): Promise<AuditRecord> {
    validateAuditEntry(entry);
    const appended = this.last.then(() => this.appendNow(entry));
    this.last = appended.catch(() => undefined);
    return appended;
  }

  private async appendNow(entry: AuditEntry): Promise<AuditRecord> {
    const records = await readLocalAudit(this.path, { missingIsEmpty: true });
    const record = nextRecord(records.at(-1), entry);
    await mkdir(dirname(this.path), { recursive: true });
    const file = await open(this.path, 'a');
    try {
      await file.appendFile(`${JSON.stringify(record)}\n`, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    return record;
  }

  async read(): Promise<AuditRecord[]> {
    return readLocalAudit(this.path);
  }

  async verify(): Promise<ChainCheck> {
    return verifyChain(await this.read());
  }
}

/** Reads a break-glass file; a line that is not a record is an InputError naming the line. */
export async function readLocalAudit(path: string, options: { missingIsEmpty?: boolean } = {}): Promise<AuditRecord[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && options.missingIsEmpty) return [];
    throw new InputError(`cannot read the break-glass audit file ${path}`, [`${(error as Error).message}`], { cause: error });
  }
  const records: AuditRecord[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    try {
      records.push(JSON.parse(line) as AuditRecord);
    } catch (error) {
      throw new InputError(`break-glass audit file ${path} is damaged`, [`line ${index + 1}: not a JSON record (${(error as Error).message})`], {
        cause: error,
      });
    }
  }
  return records;
}
