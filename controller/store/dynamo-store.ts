import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Millis } from '../../kernel/time.js';
import { InputError } from '../../kernel/errors.js';
import { DynamoAuditStore } from './audit.js';
import { DynamoAuthFailureStore } from './auth-failures.js';
import { DynamoChangeStore } from './changes.js';
import { DynamoCommandStore } from './commands.js';
import { Fence } from './fence.js';
import { DynamoJournalStore } from './journal.js';
import { Keys } from './keys.js';
import { DynamoLeaseStore } from './lease.js';
import { DynamoObservationStore } from './observations.js';
import type { Lease, StateStore, TakeOverState } from './state-store.js';
import { DynamoIdempotencyStore } from './idempotency.js';
import { DynamoRequestStore } from './requests.js';
import { Table } from './table.js';
import { DynamoTopologyStore } from './topology.js';

export interface DynamoStateStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  /** The deployment's name: prefixes every key, so one table can hold several deployments. */
  namespace: string;
  /** Deadline of one store call, SDK retries included. */
  callTimeoutMs: number;
}

/** The state store on the DynamoDB API (dynalite or DynamoDB). */
export class DynamoStateStore implements StateStore {
  readonly lease: DynamoLeaseStore;
  readonly journal: DynamoJournalStore;
  readonly audit: DynamoAuditStore;
  readonly topology: DynamoTopologyStore;
  readonly commands: DynamoCommandStore;
  readonly observations: DynamoObservationStore;
  readonly requests: DynamoRequestStore;
  readonly idempotency: DynamoIdempotencyStore;
  readonly authFailures: DynamoAuthFailureStore;
  readonly changes: DynamoChangeStore;
  readonly namespace: string;
  private readonly table: Table;
  private readonly client: DynamoDBClient;

  constructor(options: DynamoStateStoreOptions) {
    if (!/^[A-Za-z0-9._-]+$/.test(options.namespace)) {
      throw new InputError('store namespace must be letters, digits, ".", "_" or "-" (it prefixes every key)', [
        `namespace: got ${JSON.stringify(options.namespace)}`,
      ]);
    }
    this.client = options.client;
    this.namespace = options.namespace;
    this.table = new Table(options);
    const keys = new Keys(options.namespace);
    const fence = new Fence(this.table, keys);
    this.lease = new DynamoLeaseStore(this.table, keys);
    this.journal = new DynamoJournalStore(this.table, keys, fence);
    this.audit = new DynamoAuditStore(this.table, keys);
    this.topology = new DynamoTopologyStore(this.table, keys, fence);
    this.commands = new DynamoCommandStore(this.table, keys, fence);
    this.observations = new DynamoObservationStore(this.table, keys);
    this.requests = new DynamoRequestStore(this.table, keys);
    this.idempotency = new DynamoIdempotencyStore(this.table, keys);
    this.authFailures = new DynamoAuthFailureStore(this.table, keys);
    this.changes = new DynamoChangeStore(this.table, keys);
  }

  /** Creates the table if missing and waits until it is ACTIVE. Embedded store only. */
  ensureTable(): Promise<void> {
    return this.table.ensureTable();
  }

  async takeOver(lease: Lease, now: Millis): Promise<TakeOverState> {
    const topology = await this.topology.claim(lease, now);
    // Claim the head, then read the journal again: the old holder cannot change it any more.
    const found = await this.journal.findUnfinished();
    if (found) await this.journal.claim(lease, found.head.plan.id, now);
    const unfinishedPlan = found && (await this.journal.read(found.head.plan.id));
    return { ...(topology && { topology }), ...(unfinishedPlan && { unfinishedPlan }) };
  }

  close(): void {
    this.client.destroy();
  }
}
