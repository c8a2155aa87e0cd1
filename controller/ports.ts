import type { Millis } from '../kernel/time.js';
import type { Condition, DatabaseStatus, FlipMode, Observation, RegionName } from './domain/types.js';

/**
 * The ports the executor and the signal loop call. Each is a small interface; adapters behind them
 * are thin and every method is idempotent: it re-reads the world and does nothing when the world is
 * already as asked.
 */

/** The deadline of the step a call belongs to; no AWS call runs past it. */
export interface StepBudget {
  deadlineAt: Millis;
  /** The executor gave up on the step (lease lost, shutdown). */
  signal?: AbortSignal;
}

/** What an idempotent change did: nothing (already so) or a change, with one line for the journal. */
export interface ChangeResult {
  changed: boolean;
  detail: string;
}

/** Which regions take public traffic, as the flip mechanism sees it. */
export interface TrafficState {
  /** Regions that take traffic (routing control On, or non-zero weight). */
  active: RegionName[];
  /** Per region, the mechanism's own view: `On`/`Off`, or `weight 100`. */
  detail: Record<RegionName, string>;
}

/** Moves public traffic: ARC routing controls or Route 53 weighted records. */
export interface TrafficRouter {
  readonly mechanism: string;
  read(budget: StepBudget): Promise<TrafficState>;
  /** Makes `region` the only region that takes traffic, and verifies it. */
  routeTo(region: RegionName, budget: StepBudget): Promise<ChangeResult>;
}

/** The rules a promotion follows; see `choosePromotion`. */
export interface PromotePolicy {
  /** Most replication lag an unplanned failover may lose. */
  rpoBudgetMs: Millis;
  /** An operator's audited override: fail over even with unknown or too much lag. */
  force?: boolean;
}

export interface PromoteResult extends ChangeResult {
  /** The database operation started, or `none` when the target is writer or on its way. */
  operation: 'none' | 'switchover' | 'failover';
}

/** The global database: who writes, how far behind the secondaries are, and moving the writer. */
export interface GlobalDatabase {
  status(budget: StepBudget): Promise<DatabaseStatus>;
  /** Whether `region` could become the writer now: its cluster exists, has instances, replicates. */
  readiness(region: RegionName, budget: StepBudget): Promise<Condition[]>;
  /** Starts making `region` the writer: a switchover (no data loss) or a failover within the RPO budget. */
  promote(region: RegionName, mode: FlipMode, policy: PromotePolicy, budget: StepBudget): Promise<PromoteResult>;
  /** Waits until `region` is the writer and no operation is in progress. */
  waitForWriter(region: RegionName, budget: StepBudget): Promise<DatabaseStatus>;
}

/** The private-zone CNAMEs that the apps use to reach the database. */
export interface DbEndpointRecords {
  /** Each managed record name and its current value (undefined when missing). */
  read(budget: StepBudget): Promise<Record<string, string | undefined>>;
  /**
   * Points the writer record at `writerRegion`'s cluster and each reader record at its own region's
   * readers, except the reader records of `lostRegions` (a failed-over old primary), which follow
   * the new writer's readers.
   */
  pointTo(writerRegion: RegionName, budget: StepBudget, options?: { lostRegions?: RegionName[] }): Promise<ChangeResult>;
}

/** A source of observations that the signal loop polls each tick. It never throws and never hangs. */
export interface SignalReader {
  read(): Promise<Observation[]>;
}
