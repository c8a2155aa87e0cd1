import type { Millis } from '../../kernel/time.js';
import type { Command, Condition, Plan, Topology, WindowSummary } from '../domain/types.js';
import type { RequestStore, IdempotencyStore, AuthFailureStore, ChangeStore } from './api-records.js';

/**
 * The controller's durable state: lease, plan journal, audit chain, topology, operator commands and
 * the replicas' published observations. One implementation speaks the DynamoDB API (dynalite
 * locally, a DynamoDB table in AWS); the executor, engine loop, API and CLI depend only on this.
 *
 * Time is always an argument (`now`, `at`): the store never reads a clock, so the caller's clock
 * decides expiry and tests control time. Replicas' clocks must agree to well within the lease TTL,
 * and a holder should stop starting steps some margin before its `expiresAt`.
 *
 * What the store guarantees without transactions (every write is a single-item conditional write):
 * - The lease item changes hands only by a conditional write on the state the writer last read, so
 *   of any number of concurrent `acquire` calls exactly one wins, and the token increases by one on
 *   every acquire (so on every change of holder) and never decreases (release keeps it).
 * - A fenced write (journal, topology, command consumption) first reads the lease item (strongly
 *   consistent) and is refused unless the caller's token is the current one and unexpired by the
 *   caller's `now`; then it writes the target item on condition that the item's `fenceToken` is at
 *   most the caller's token. So every fenced item holds the highest token that wrote it and rejects
 *   lower ones for ever.
 * - What it cannot guarantee: a takeover that lands between that lease read and the item write lets
 *   one last write of the old holder through, on an item the new holder has not written yet. A new
 *   holder therefore calls `takeOver` first, which fences the topology and the unfinished plan's
 *   head with its token before it reads them; after that, the old holder can touch neither. Its one
 *   in-flight step record may still land, which is why steps are idempotent and a resumed plan
 *   re-runs every step that is not `done`/`skipped`.
 * - With a DynamoDB global table, these conditional writes are linearizable only with multi-region
 *   strong consistency (MRSC); with eventually consistent replicas two regions can both win a
 *   conditional write, so the lease must then be written in one region only.
 */
export interface StateStore {
  readonly lease: LeaseStore;
  readonly journal: JournalStore;
  readonly audit: AuditStore;
  readonly topology: TopologyStore;
  readonly commands: CommandStore;
  readonly observations: ObservationStore;
  /** Two-person approval requests (held-back commands). */
  readonly requests: RequestStore;
  /** The HTTP API's idempotency records. */
  readonly idempotency: IdempotencyStore;
  /** Failed API authentications per client address, counted across replicas. */
  readonly authFailures: AuthFailureStore;
  /** Infrastructure changes registered by rollouts: which stack reached which regions, and when. */
  readonly changes: ChangeStore;
  /**
   * What a new lease holder does before acting: fences the topology and the unfinished plan's head
   * with its token (so the old holder's writes to them are rejected), then returns what it found.
   */
  takeOver(lease: Lease, now: Millis): Promise<TakeOverState>;
  /** Releases the client's sockets. */
  close(): void;
}

export interface TakeOverState {
  topology?: VersionedTopology;
  unfinishedPlan?: PlanJournal;
}

// ---------------------------------------------------------------------------------------------
// Lease

/** A lease the caller holds: present it with every fenced write. */
export interface Lease {
  holder: string;
  /** Fencing token: increases on every acquire (so on every change of holder), never goes back. */
  token: number;
  ttlMs: Millis;
  expiresAt: Millis;
}

/** The lease item as stored. `holder` is absent after a release (the token stays). */
export interface LeaseState {
  holder?: string;
  token: number;
  expiresAt: Millis;
}

export type AcquireResult = { acquired: true; lease: Lease } | { acquired: false; current: LeaseState };

export interface LeaseStore {
  /**
   * Takes the lease if it is free, released, expired at `now`, or held under the same holder name
   * (a restarted replica), always with a new, higher token: a lease held before under that name is
   * fenced out. To extend a lease in hand, use `renew`.
   */
  acquire(holder: string, ttlMs: Millis, now: Millis): Promise<AcquireResult>;
  /** Extends a held lease to `now + ttlMs`. Throws LeaseLostError if it expired or changed hands. */
  renew(lease: Lease, now: Millis): Promise<Lease>;
  /** Gives the lease up (the token is kept). False when it was no longer ours. */
  release(lease: Lease): Promise<boolean>;
  read(): Promise<LeaseState | undefined>;
}

// ---------------------------------------------------------------------------------------------
// Journal

export type PlanStatus = 'running' | 'succeeded' | 'failed' | 'abandoned';
export type StepStatus = 'pending' | 'started' | 'done' | 'skipped' | 'failed';

export interface PlanHead {
  plan: Plan;
  status: PlanStatus;
  startedAt: Millis;
  finishedAt?: Millis;
  error?: string;
  /** Highest fencing token that wrote the head. */
  fenceToken: number;
}

export interface StepRecord {
  index: number;
  status: StepStatus;
  attempts: number;
  startedAt?: Millis;
  finishedAt?: Millis;
  error?: string;
  /** What the step found or did (ids, states), plain JSON. */
  result?: Record<string, unknown>;
  fenceToken: number;
}

export interface PlanJournal {
  head: PlanHead;
  /** One record per plan step in index order; steps never started are `pending` with 0 attempts. */
  steps: StepRecord[];
}

export type StepOutcome =
  | { status: 'done' | 'skipped'; result?: Record<string, unknown> }
  | { status: 'failed'; error: string; result?: Record<string, unknown> };

export interface JournalStore {
  /** Records a plan as running. Repeating it with the same plan is a no-op; another plan with the same id is refused. */
  begin(lease: Lease, plan: Plan, now: Millis): Promise<PlanHead>;
  /** Marks a step started and counts the attempt. */
  startStep(lease: Lease, planId: string, index: number, now: Millis): Promise<StepRecord>;
  finishStep(lease: Lease, planId: string, index: number, outcome: StepOutcome, now: Millis): Promise<StepRecord>;
  finish(lease: Lease, planId: string, status: Exclude<PlanStatus, 'running'>, now: Millis, error?: string): Promise<PlanHead>;
  /** Fences a plan's head with the lease's token (see `StateStore.takeOver`). */
  claim(lease: Lease, planId: string, now: Millis): Promise<PlanHead>;
  read(planId: string): Promise<PlanJournal | undefined>;
  /** Every plan head, oldest plan first. */
  listPlans(): Promise<PlanHead[]>;
  /** The newest plan still `running`, to resume after a takeover. */
  findUnfinished(): Promise<PlanJournal | undefined>;
}

// ---------------------------------------------------------------------------------------------
// Audit

export type AuditPhase = 'intent' | 'result' | 'refused';

/** What a caller appends; the chain adds `seq`, `prevHash` and `hash`. */
export interface AuditEntry {
  at: Millis;
  actor: string;
  action: string;
  phase: AuditPhase;
  details: Record<string, unknown>;
}

export interface AuditRecord extends AuditEntry {
  /** 1-based position in the chain. */
  seq: number;
  /** `hash` of the previous record; GENESIS_HASH for the first. */
  prevHash: string;
  /** SHA-256 (hex) over the canonical JSON of the record without `hash`. */
  hash: string;
  /** Set on records appended by `reconcile`: the break-glass file they came from. */
  reconciledFrom?: string;
  /** With `reconciledFrom`: the record's hash in that file, which makes reconciling idempotent. */
  localHash?: string;
}

/** The outcome of checking a chain. `brokenAt` is the seq of the first bad record. */
export interface ChainCheck {
  ok: boolean;
  count: number;
  brokenAt?: number;
  reason?: string;
}

/** Anything that appends audit records durably: the store's chain or a break-glass file. */
export interface AuditAppender {
  /** Resolves once the record is durable; only then may the audited action start. */
  append(entry: AuditEntry): Promise<AuditRecord>;
}

/** Extra fields a reconciled record carries into the store's chain. */
export interface ReconcileMark {
  reconciledFrom: string;
  localHash: string;
}

export interface AuditStore extends AuditAppender {
  appendReconciled(entry: AuditEntry, mark: ReconcileMark): Promise<AuditRecord>;
  /** Newest first; `before` is an exclusive seq bound for paging back. */
  list(options?: { limit?: number; before?: number }): Promise<AuditRecord[]>;
  /** Every record, oldest first. */
  readAll(): Promise<AuditRecord[]>;
  verify(): Promise<ChainCheck>;
}

// ---------------------------------------------------------------------------------------------
// Topology

export interface VersionedTopology {
  topology: Topology;
  /** Increases by one on every write; 0 means never written. */
  version: number;
  fenceToken: number;
  updatedAt: Millis;
}

export interface TopologyStore {
  read(): Promise<VersionedTopology | undefined>;
  /**
   * Writes the topology if the stored version is still `expectedVersion` (0: none stored yet).
   * Throws VersionConflictError otherwise, StaleTokenError if a newer lease wrote it.
   */
  write(lease: Lease, topology: Topology, expectedVersion: number, now: Millis): Promise<VersionedTopology>;
  /** Fences the topology item with the lease's token without changing it. */
  claim(lease: Lease, now: Millis): Promise<VersionedTopology | undefined>;
}

// ---------------------------------------------------------------------------------------------
// Commands

/**
 * `pending` -> `taken` (by the lease holder) -> `done` | `refused`. A command that needs a second
 * person starts `awaiting-approval` and becomes `pending` (approved) or `rejected` in one
 * conditional write: only an approved command is ever taken.
 */
export type CommandStatus = 'awaiting-approval' | 'rejected' | 'pending' | 'taken' | 'done' | 'refused';

export interface CommandRecord {
  command: Command;
  status: CommandStatus;
  submittedAt: Millis;
  takenBy?: string;
  takenAt?: Millis;
  decidedAt?: Millis;
  /** The engine's decision reason: why it was done or refused. */
  reason?: string;
  /** Plan started for the command, or other decision data. */
  result?: Record<string, unknown>;
  fenceToken: number;
}

export interface CommandStore {
  /** Queues a command (no lease needed). Submitting the same command twice is a no-op; another command with the same id is refused. */
  submit(command: Command, now: Millis): Promise<CommandRecord>;
  get(id: string): Promise<CommandRecord | undefined>;
  /**
   * Commands not decided yet, oldest first: `pending` ones, and `taken` ones whose taker may have
   * lost the lease before deciding (a new holder takes them again).
   */
  listOpen(): Promise<CommandRecord[]>;
  /**
   * Takes a pending command (or one taken under an older token). Returns undefined when it is
   * already decided.
   */
  take(lease: Lease, id: string, now: Millis): Promise<CommandRecord | undefined>;
  /** Records the decision on a command taken under this lease's token (or an older one). */
  decide(
    lease: Lease,
    id: string,
    decision: { status: 'done' | 'refused'; reason: string; result?: Record<string, unknown> },
    now: Millis,
  ): Promise<CommandRecord>;
}

// ---------------------------------------------------------------------------------------------
// Published observations

export interface PublishedObservations {
  /** The publishing replica (its region). */
  replica: string;
  at: Millis;
  summaries: WindowSummary[];
  conditions: Condition[];
}

export interface ObservationStore {
  /** Stores the replica's latest view. An older `at` than the stored one is ignored (returns false). */
  publish(observations: PublishedObservations): Promise<boolean>;
  /** Every replica's latest view; the reader judges staleness by `at`. */
  readAll(): Promise<PublishedObservations[]>;
}
