import { json, num, requiredJson, str } from './attributes.js';
import { nextRecord, validateAuditEntry, verifyChain } from './audit-chain.js';
import { StoreUnavailableError } from './errors.js';
import type { Keys } from './keys.js';
import type { AuditEntry, AuditRecord, AuditStore, ChainCheck, ReconcileMark } from './state-store.js';
import type { Table } from './table.js';
import { requireNumber } from './validate.js';

/** Appends racing for the same sequence number: each round one wins, the others retry on the new head. */
const APPEND_ATTEMPTS = 64;
const RETRY_DELAY_CAP_MS = 50;

/**
 * The audit chain: one item per record, sort key = zero-padded seq. An append reads the head and
 * writes seq+1 on condition that it does not exist yet, so two appenders can never both write the
 * same seq and the chain cannot fork.
 *
 * Verification finds edited, reordered or removed records inside the chain; it cannot notice the
 * newest records being removed (nothing links forward to them).
 */
export class DynamoAuditStore implements AuditStore {
  constructor(
    private readonly table: Table,
    private readonly keys: Keys,
  ) {}

  append(entry: AuditEntry): Promise<AuditRecord> {
    return this.appendRecord(entry);
  }

  appendReconciled(entry: AuditEntry, mark: ReconcileMark): Promise<AuditRecord> {
    return this.appendRecord(entry, mark);
  }

  async list(options: { limit?: number; before?: number } = {}): Promise<AuditRecord[]> {
    const { limit, before } = options;
    if (limit !== undefined) requireNumber(limit, 'limit', 'a positive number of records', { min: 1, integer: true });
    if (before !== undefined) requireNumber(before, 'before', 'a sequence number (records below it are listed)', { min: 1, integer: true });
    const items = await this.table.query(this.keys.auditPartition(), {
      descending: true,
      ...(limit !== undefined && { limit }),
      ...(before !== undefined && { skBelow: this.keys.auditRecord(before).sk }),
    });
    return items.map((item) => requiredJson<AuditRecord>(item, 'record'));
  }

  async readAll(): Promise<AuditRecord[]> {
    const items = await this.table.query(this.keys.auditPartition());
    return items.map((item) => requiredJson<AuditRecord>(item, 'record'));
  }

  async verify(): Promise<ChainCheck> {
    return verifyChain(await this.readAll());
  }

  private async appendRecord(entry: AuditEntry, mark?: ReconcileMark): Promise<AuditRecord> {
    validateAuditEntry(entry);
    for (let attempt = 0; attempt < APPEND_ATTEMPTS; attempt++) {
      const [head] = await this.list({ limit: 1 });
      const record = nextRecord(head, entry, mark);
      const key = this.keys.auditRecord(record.seq);
      const written = await this.table.put(
        { pk: str(key.pk), sk: str(key.sk), seq: num(record.seq), record: json(record) },
        { expression: 'attribute_not_exists(pk)' },
      );
      if (written) return record;
      // Full jitter spreads the losers out so the next round is not the same race again.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(RETRY_DELAY_CAP_MS, 2 ** attempt)));
    }
    throw new StoreUnavailableError(`audit append lost the race for the chain head ${APPEND_ATTEMPTS} times; retry later`, {
      context: { action: entry.action, actor: entry.actor },
    });
  }
}
