import type { Millis } from '../../kernel/time.js';
import type { Command } from '../domain/types.js';
import type { CommandRecord } from './state-store.js';

/** What the state store keeps for the API and rollouts: approval requests, idempotency records, failed logins, infrastructure changes. */

// ---------------------------------------------------------------------------------------------
// API requests: two-person approvals and idempotency records

/** `pending` -> `approved` (its command is queued) | `rejected` | `expired` (judged on read by `expiresAt`). */
export type RequestStatus = 'pending' | 'approved' | 'rejected';

/** The commands that move the primary or the writer: under the two-person rule they need an approver. */
export type FlipCommand = Extract<Command, { kind: 'failover' | 'switchover' | 'failback' }>;

/**
 * A command that moves the primary, waiting for a different approver. It is stored as its command
 * (same id), held back from the queue until approved.
 */
export interface ApprovalRequest {
  /** The command's id. */
  id: string;
  /** The command queued once approved (its `actor` names the requester, then the approver). */
  command: FlipCommand;
  requestedBy: string;
  createdAt: Millis;
  /** After this, the request can no longer be approved. */
  expiresAt: Millis;
  status: RequestStatus;
  decidedBy?: string;
  decidedAt?: Millis;
  /** Why it was rejected, or the approver's note. */
  note?: string;
}

export interface RequestDecision {
  status: 'approved' | 'rejected';
  decidedBy: string;
  decidedAt: Millis;
  note?: string;
}

/** An HTTP answer kept to replay for a repeated `Idempotency-Key`. */
export interface StoredResponse {
  statusCode: number;
  body: unknown;
}

export interface IdempotencyRecord {
  key: string;
  /** What the first call asked (method, path, caller, body digest): a replay must ask the same. */
  fingerprint?: string;
  claimedAt: Millis;
  /** Absent while the first call is still running. */
  response?: StoredResponse;
}

export interface RequestStore {
  /** Stores a request with its command held back (`awaiting-approval`); refused (ConflictError) when its id is taken. */
  create(request: ApprovalRequest): Promise<ApprovalRequest>;
  /** The request, or undefined when `id` names no request (a plain command is not one). */
  get(id: string): Promise<ApprovalRequest | undefined>;
  /** Every request, newest first. */
  list(): Promise<ApprovalRequest[]>;
  /**
   * Decides a pending request in one conditional write on its command: approved (the command
   * enters the queue, with the approver in its actor) or rejected (it never will). Exactly one
   * decision wins: the others get ConflictError, as do an expired request and self-approval.
   */
  decide(id: string, decision: RequestDecision): Promise<{ request: ApprovalRequest; command: CommandRecord }>;
}

export interface IdempotencyStore {
  /**
   * Claims a key for a call about to run; when taken, returns what the first call stored. A claim
   * of the same call left without a response for `staleAfterMs` (its call failed) is taken over.
   * A record lives `ttlMs` from its claim; after that the key is treated as never used.
   */
  claimKey(key: string, fingerprint: string, now: Millis, timing: { staleAfterMs: Millis; ttlMs: Millis }): Promise<{ claimed: true } | { claimed: false; record: IdempotencyRecord }>;
  /** Stores the answer of the call that claimed `key`, for replays. */
  completeKey(key: string, response: StoredResponse): Promise<void>;
}

/** Failed authentications of one client address in the current fixed window. */
export interface AuthFailureCount {
  failures: number;
  windowEndsAt: Millis;
}

export interface AuthFailureStore {
  /** Counts one failed authentication from `client` in the window of `windowMs` holding `now` (an atomic add); returns the new count. */
  record(client: string, now: Millis, windowMs: Millis): Promise<AuthFailureCount>;
  /** The count of the window holding `now`: 0 when there were none. */
  read(client: string, now: Millis, windowMs: Millis): Promise<AuthFailureCount>;
}

// ---------------------------------------------------------------------------------------------
// Infrastructure changes

/** What a rollout registers when it starts applying one stack. */
export interface ChangeStart {
  /** The Pulumi stack applied. */
  stack: string;
  /** The regions the stack changes (every region for a deployment-wide stack). */
  regions: string[];
  /** The commit being applied (a git sha). */
  commit: string;
  /** The pull request that merged it, when known. */
  pr?: number;
  /** Groups the changes of one rollout. */
  rollout?: string;
  startedAt: Millis;
  /** Who registered it (the API caller). */
  startedBy: string;
}

/** A change as stored: its start, and once it ended, how. */
export interface ChangeRecord extends ChangeStart {
  /** `chg-<start, zero-padded ms>-<8 hex>`: ids sort in start order. */
  id: string;
  finishedAt?: Millis;
  /** `applied`: the stack's apply command succeeded; `failed`: it did not. */
  outcome?: 'applied' | 'failed';
}

export interface ChangeStore {
  start(change: ChangeStart): Promise<ChangeRecord>;
  /** Ends a started change, once: a second finish, or one of an unknown change, is refused (ConflictError, InputError). */
  finish(id: string, end: { at: Millis; outcome: 'applied' | 'failed' }): Promise<ChangeRecord>;
  get(id: string): Promise<ChangeRecord | undefined>;
  /** Changes started at or after `since`, oldest first. */
  listSince(since: Millis): Promise<ChangeRecord[]>;
}
