import type { RegionName } from '../../kernel/region.js';
import type { Millis } from '../../kernel/time.js';

/**
 * The engine's vocabulary (see DESIGN.md). Everything here is plain data: it can be stored,
 * printed, compared and replayed.
 */

/** Region names are the kernel's; the engine's vocabulary re-exports them. */
export type { RegionName };
/** Where an observation comes from: a replica's region, `route53` (its checkers) or `client`. */
export type VantageName = string;
/** The vantage point of Route 53's health checkers: the internet's view of a region. */
export const ROUTE53_VANTAGE: VantageName = 'route53';
/** `http`: app probes; `route53`: Route 53's checkers; `db`: the global database as the controller reads it. */
export type SignalKind = 'http' | 'route53' | 'db';
/**
 * `unknown`: the observer could not judge the target (its own event loop or scheduler was starved,
 * or it ran out of a local resource): never a failure of the target.
 */
export type ProbeOutcome = 'ok' | 'fail' | 'timeout' | 'unknown';

/** The vantage point of the database reads (`signal: 'db'`): whoever reads the global cluster's status. */
export const DATABASE_VANTAGE: VantageName = 'database';
/** Region-level signals the engine keeps windows of, besides the app probes. */
export type RegionSignalName = 'writer' | 'replication';

/** One probe result. `at` is when the result was known (for a timeout: when it fired). */
export interface Observation {
  region: RegionName;
  service: string;
  vantage: VantageName;
  signal: SignalKind;
  outcome: ProbeOutcome;
  latencyMs: number;
  at: Millis;
  /** Short cause for a failure: `HTTP 503`, `ECONNREFUSED`, `timeout after 800ms`. */
  detail?: string;
}

/** Sample counts of one window. */
export interface WindowCounts {
  ok: number;
  /** Failed or timed-out samples. */
  failed: number;
  /** Successful samples slower than the latency budget. */
  slow: number;
}

/**
 * What one vantage point saw of one (region, service, signal) over the detection window. Replicas
 * publish these; the lease holder merges every replica's summaries to count quorum.
 */
export interface WindowSummary extends WindowCounts {
  region: RegionName;
  service: string;
  vantage: VantageName;
  signal: SignalKind;
  /** Of `failed`: samples that got no answer at all (refused, reset, timed out), as opposed to an HTTP error. */
  unreachable?: number;
  /** Samples the observer could not judge (it was starved): counted apart, never as failures. */
  unknown?: number;
  /** Failures in a row up to the newest sample. */
  failStreak?: number;
  /** Of `failStreak`: the newest ones in a row that got no answer at all. */
  unansweredStreak?: number;
  /** Answers in a row up to the newest sample. */
  okStreak?: number;
  /** Of `okStreak`: the newest ones in a row that came within the latency budget. */
  goodStreak?: number;
  /**
   * Counts over longer windows, each including the shorter ones: twice the short window, then the
   * ratio window (`detection.ratioWindow`). Omitted while they hold nothing the short one does not.
   */
  wider?: WindowCounts[];
  /** Timestamp of the newest sample, on the summarizing process's clock. */
  lastAt: Millis;
  /**
   * How old the newest sample was when the summary was made (`now - lastAt` on the publisher's own
   * clock). Readers age a published summary by this and their own clock, never by comparing clocks.
   */
  ageMs?: Millis;
  /** The most recent failure detail, kept as evidence. */
  lastDetail?: string;
}

export type Health = 'healthy' | 'degraded' | 'failed' | 'unknown';

/** What a failing vantage point's samples mostly were: no answer at all, HTTP errors, or slow answers. */
export type FailureKind = 'unreachable' | 'errors' | 'slow';

/** One vantage point's judgement of one service in one region, with the numbers behind it. */
export interface Evidence {
  vantage: VantageName;
  service: string;
  signal: SignalKind;
  health: Health;
  ok: number;
  failed: number;
  slow: number;
  /** For a failed or degraded opinion: what the failures were. */
  kind?: FailureKind;
  /** Degraded because its failures reach the failure ratio without confidence yet (a gray failure on its way). */
  failing?: boolean;
  /** Failed or failing, but its newest results are answered again: the failure is over for this vantage point, though its windows still remember it. */
  recovered?: boolean;
  /** Good answers (within the latency budget) in a row up to its newest result. */
  goodStreak?: number;
  /** Its newest result got no answer at all (refused, reset, timed out). */
  unanswered?: boolean;
  detail?: string;
}

/** A region-level signal of one region (its database writer, its replication), as the controller last read it. */
export interface RegionSignal {
  signal: RegionSignalName;
  health: 'healthy' | 'failing' | 'unknown';
  /** One line: `writer unreachable for 3 reads`, `replication flowing`. */
  detail: string;
}

export interface Verdict {
  region: RegionName;
  health: Health;
  /** How many vantage points see the region's critical services failed, of those with an opinion. */
  failedVantages: number;
  reportingVantages: number;
  /** Vantage points that see the critical services failed, or failing without confidence yet, and not answered again since. */
  failingVantages?: number;
  /** One line a human can read: `failed: api failing from 3/4 vantage points (HTTP 503)`. */
  summary: string;
  evidence: Evidence[];
  /** The region's own signals besides its app: what tells an outage from an app blip. */
  signals?: RegionSignal[];
}

export type Classification = 'regional' | 'global' | 'observer' | 'partition' | 'none';

export interface Assessment {
  at: Millis;
  verdicts: Record<RegionName, Verdict>;
  classification: Classification;
  /** Vantage points excluded because they see every region failing while others do not. */
  cutOffVantages: VantageName[];
  /** Why the classification is what it is. */
  reason: string;
  /** The classification held until the failure behind it is over (kept in the topology between steps). */
  hold?: ClassificationHold;
}

/** The global database as last read: which region writes, and each secondary's lag. */
export interface DatabaseStatus {
  at: Millis;
  writerRegion: RegionName;
  /** Replication lag per secondary region in ms; undefined when unknown. */
  lagMs: Record<RegionName, number | undefined>;
  /** A switchover or failover is in progress in the database itself. */
  transitioning: boolean;
  /** Whether the writer cluster answered the last read (an outage may make it unreachable). */
  writerReachable: boolean;
}

/** A readiness check (controller-runtime style condition). */
export interface Condition {
  type: string;
  status: 'true' | 'false' | 'unknown';
  reason: string;
  message: string;
  at: Millis;
  /** The region the condition concerns, when it concerns one. */
  region?: RegionName;
}

export type Operation = 'failover' | 'switchover' | 'failback';
export type FlipMode = 'planned' | 'unplanned';

/** Operator commands: everything an operator asks of the engine. */
export type Command =
  | {
      kind: 'failover' | 'switchover';
      id: string;
      to: RegionName;
      reason: string;
      actor: string;
      /** Guards the operator explicitly overrides (`--force`). */
      force?: boolean;
      at: Millis;
    }
  | { kind: 'failback'; id: string; reason: string; actor: string; force?: boolean; at: Millis }
  | { kind: 'pause'; id: string; reason: string; actor: string; at: Millis }
  | { kind: 'resume'; id: string; reason: string; actor: string; at: Millis };

export type Phase = 'steady' | 'suspect' | 'failing-over' | 'failed-over' | 'failing-back';

export interface ActiveFlip {
  planId: string;
  operation: Operation;
  mode: FlipMode;
  from: RegionName;
  to: RegionName;
  startedAt: Millis;
}

/**
 * The active plan as its journal tells it: the engine learns a plan's outcome only from this, read
 * from the store by whoever holds the lease (in the simulator: from the simulated journal).
 * `missing` means the topology names a plan that the journal never recorded.
 */
export interface PlanReport {
  planId: string;
  status: 'running' | 'succeeded' | 'failed' | 'abandoned' | 'missing';
  /** The steps that changed the world, in plan order (empty: the plan changed nothing). */
  changed: StepKind[];
  error?: string;
  /** Fencing token of the lease that last wrote the plan: which holding ran it. */
  fenceToken: number;
}

/** A flip whose plan failed or was abandoned: what it was, why, and what it had changed. */
export interface FailedFlip extends ActiveFlip {
  error: string;
  changed: StepKind[];
  at: Millis;
  /** The holding (lease token) that ran it: that holding does not retry the same target at once. */
  fenceToken: number;
  /** Consecutive failed flips, for the retry backoff. */
  failures: number;
}

/** What the controller believes about the topology. Stored; the engine's only memory besides windows. */
export interface Topology {
  phase: Phase;
  primary: RegionName;
  /** The region that was primary before an unplanned failover, until failback. */
  lostPrimary?: RegionName;
  /**
   * When the primary last changed (a plan succeeded, or a moved writer was adopted): a database
   * status read before then is stale and must not undo the change.
   */
  primarySince?: Millis;
  /** When the current suspicion began (phase `suspect`). */
  suspectSince?: Millis;
  suspectRegion?: RegionName;
  /**
   * The cost of staying accrued during the current suspicion (outage-seconds, see cost.ts), as of
   * `pressureAt`. It fades once the region looks healthy again; the suspicion ends when it is gone.
   */
  pressure?: number;
  pressureAt?: Millis;
  /**
   * The cost of staying as it was before the app answered again (cost.ts `answeredAgain`), kept
   * while it does: a move is decided on it, not on what the windows' memory of the failure accrued since.
   */
  pressureBeforeAnswers?: number;
  /** A global, observer or partition classification held until the failure behind it is over. */
  hold?: ClassificationHold;
  active?: ActiveFlip;
  /** The last flip that failed, until a flip succeeds: it names the failure in later decisions. */
  lastFailure?: FailedFlip;
  /** Start times of recent flips that changed something, for cooldown and the per-window limit. */
  flips: Millis[];
  paused?: { reason: string; actor: string; at: Millis };
  /** Monotonic counter that makes plan ids unique and deterministic. */
  sequence: number;
}

/** A classification that does not flap within one failure (see stability.ts). */
export interface ClassificationHold {
  classification: 'global' | 'observer' | 'partition';
  since: Millis;
  /** The vantage points an observer hold keeps excluding. */
  cutOff: VantageName[];
  /** The region a partition hold is about. */
  region?: RegionName;
  reason: string;
}

/** The outcome of one guard: every guard returns its reason, pass or fail. */
export interface GuardResult {
  guard: string;
  ok: boolean;
  reason: string;
  /** Overridden by an operator's `--force` (always audited). */
  overridden?: boolean;
}

export type Trigger = 'automatic' | 'manual';

/** What a flip is: shared by the decision that wants it and the plan that carries it out. */
export interface FlipSpec {
  operation: Operation;
  mode: FlipMode;
  trigger: Trigger;
  from: RegionName;
  to: RegionName;
  reason: string;
}

export type Decision =
  | { kind: 'none'; at: Millis; reason: string }
  | ({ kind: 'flip'; at: Millis; planId: string; guards: GuardResult[]; commandId?: string; actor?: string } & FlipSpec)
  | { kind: 'refuse'; at: Millis; reason: string; guards: GuardResult[]; commandId?: string; actor?: string }
  | { kind: 'pause' | 'resume'; at: Millis; reason: string; commandId: string; actor: string }
  | { kind: 'plan-finished'; at: Millis; planId: string; ok: boolean; status: 'succeeded' | 'failed' | 'abandoned'; changed: StepKind[]; reason: string };

/** The kinds of plan step, in the order a failover runs them. Each is idempotent. */
export type StepKind =
  | 'check-target-ready'
  | 'fence-old-writer'
  | 'promote-database'
  | 'wait-for-writer'
  | 'flip-db-endpoints'
  | 'flip-traffic'
  | 'verify';

export interface PlanStep {
  /** 1-based position; with the plan id it names the step's journal entry. */
  index: number;
  kind: StepKind;
  /** One line for the plan listing: what the step does. */
  title: string;
  /** What "already done" means for this step, so a reviewer knows what a resumed plan skips. */
  skipWhen: string;
  /** Longest time the step may take, retries included. */
  deadlineMs: Millis;
  region?: RegionName;
  /** Step-specific data (record names, targets); plain JSON. */
  params: Record<string, unknown>;
}

export interface Plan extends FlipSpec {
  id: string;
  /** The operator command the plan carries out, if one asked for it. */
  commandId?: string;
  createdAt: Millis;
  /** Guards that an operator overrode with `--force`, for the record. */
  overridden: string[];
  steps: PlanStep[];
}
