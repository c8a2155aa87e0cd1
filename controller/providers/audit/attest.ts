import type { Clock } from '../../../kernel/clock.js';
import type { Millis } from '../../../kernel/time.js';
import { describeError } from '../../../kernel/errors.js';
import type { Logger } from '../../../kernel/logging.js';
import type { AuditEntry, AuditRecord, AuditStore, ChainCheck, ReconcileMark, StateStore } from '../../store/state-store.js';
import { signedPayload, type CheckpointLog, type CheckpointSigner } from './checkpoint.js';

/** After an append, its checkpoint follows this soon (appends come in bursts: a plan's steps). */
const AFTER_APPEND_MS = 1000;

/** The audit chain as one replica process writes it: every record it appends waits to be attested. */
export class AttestedAudit implements AuditStore {
  private pending: [number, string][] = [];

  constructor(private readonly inner: AuditStore) {}

  async append(entry: AuditEntry): Promise<AuditRecord> {
    const record = await this.inner.append(entry);
    this.pending.push([record.seq, record.hash]);
    return record;
  }

  appendReconciled(entry: AuditEntry, mark: ReconcileMark): Promise<AuditRecord> {
    return this.inner.appendReconciled(entry, mark);
  }

  list(options?: { limit?: number; before?: number }): Promise<AuditRecord[]> {
    return this.inner.list(options);
  }

  readAll(): Promise<AuditRecord[]> {
    return this.inner.readAll();
  }

  verify(): Promise<ChainCheck> {
    return this.inner.verify();
  }

  get waiting(): number {
    return this.pending.length;
  }

  /** The records appended since the last call, to put in a checkpoint. */
  take(): [number, string][] {
    const taken = this.pending;
    this.pending = [];
    return taken;
  }

  /** Gives records back when their checkpoint could not be written. */
  restore(records: [number, string][]): void {
    this.pending = [...records, ...this.pending];
  }
}

/** The state store with its audit chain attested: the same store, whose `audit` records what this process appends. */
export function attestAppends(store: StateStore): { store: StateStore; audit: AttestedAudit } {
  const audit = new AttestedAudit(store.audit);
  const attested = new Proxy(store, { get: (target, key, receiver) => (key === 'audit' ? audit : Reflect.get(target, key, receiver)) });
  return { store: attested, audit };
}

export interface CheckpointerDeps {
  audit: AttestedAudit;
  signer: CheckpointSigner;
  log: CheckpointLog;
  /** The replica process's holder name. */
  writer: string;
  every: Millis;
  clock: Clock;
  logger: Logger;
}

/**
 * Writes this replica's signed checkpoints: soon after it appended records, and every `every` while
 * the chain's head moves. It runs beside the loop and never holds up a plan: audit-before-action
 * is the store's append; the checkpoint makes that record tamper-evident a moment later.
 */
export class Checkpointer {
  private lastAt = Number.NEGATIVE_INFINITY;
  private lastHead: string | undefined;

  constructor(private readonly deps: CheckpointerDeps) {}

  /** Writes a checkpoint when one is due (`flush`: now, if this writer has records waiting); failures are logged and retried at the next call. */
  async tick(flush = false): Promise<void> {
    const { audit, clock } = this.deps;
    const now = clock.now();
    const due = audit.waiting > 0 ? flush || now - this.lastAt >= AFTER_APPEND_MS : now - this.lastAt >= this.deps.every;
    if (!due) return;
    try {
      await this.checkpoint(now);
    } catch (error) {
      this.deps.logger.warn({ err: describeError(error) }, 'audit checkpoint not written; trying again shortly');
    }
  }

  private async checkpoint(now: Millis): Promise<void> {
    const { audit, signer, log, writer } = this.deps;
    const [head] = await audit.list({ limit: 1 });
    if (!head) return;
    const headKey = `${head.seq}:${head.hash}`;
    if (audit.waiting === 0 && headKey === this.lastHead) {
      this.lastAt = now;
      return;
    }
    const records = audit.take();
    try {
      const checkpoint = { writer, at: now, head: { seq: head.seq, hash: head.hash }, records };
      const signature = await signer.sign(signedPayload(checkpoint));
      await log.append({ ...checkpoint, keyId: signer.keyId, signature });
    } catch (error) {
      audit.restore(records);
      throw error;
    }
    this.lastAt = now;
    this.lastHead = headKey;
  }
}
