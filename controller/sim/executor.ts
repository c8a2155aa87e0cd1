import type { Millis } from '../../kernel/time.js';
import type { DatabaseStatus, PlanReport } from '../domain/types.js';
import { NOISE_PROFILES, NoiseStream } from './noise.js';
import { streamKey } from './random.js';
import type { World } from './world.js';

/** How the simulated database answers the controller's status read. */
export interface DatabaseModel {
  /** Replication lag of every secondary while replication flows. */
  replicationLag: Millis;
  /** A read of a hung writer fails this long after it began (detection.writerTimeout). */
  readTimeout: Millis;
  /** Reads that fail although the writer is fine (an AWS API blip), per read. */
  apiErrors: number;
  seed: number;
  /** Reads happen on the engine's grid: every `interval` from `startAt`. */
  startAt: Millis;
  interval: Millis;
}

interface SimulatedPlan {
  planId: string;
  to: string;
  finishAt: Millis;
}

/**
 * The executor, its journal and the database as the simulated engine sees them: a plan runs for
 * `planDuration`, then its journal says `succeeded` (the writer has moved to the plan's target).
 * The engine learns that the way it does in production: by reading the active plan's report at
 * every step. The database reports each secondary's replication lag (growing while a partition
 * cuts replication to it) and whether the writer answers (a region that is gone refuses at once; a
 * hung one fails the read at its deadline; now and then a read fails for nothing).
 */
export class SimulatedExecutor {
  private plans = new Map<string, SimulatedPlan>();
  private writer: string;
  private readonly lagByWriter = new Map<string, Record<string, number>>();
  /** Which reads fail for nothing: a noise stream over read numbers, so they can be listed without walking every read. */
  private readonly blips: NoiseStream;

  constructor(
    private readonly world: World,
    private readonly regions: readonly string[],
    private readonly primary: string,
    private readonly planDuration: Millis,
    private readonly database: DatabaseModel,
  ) {
    this.writer = primary;
    this.blips = new NoiseStream(streamKey(database.seed, 'database-read'), { ...NOISE_PROFILES.none, loss: database.apiErrors }, database.interval);
  }

  /** Forget every plan and put the writer back in the configured primary (a fresh episode). */
  reset(): void {
    this.plans = new Map();
    this.writer = this.primary;
  }

  start(planId: string, to: string, at: Millis): void {
    this.plans.set(planId, { planId, to, finishAt: at + this.planDuration });
  }

  /** The journal's report on a plan at `at` (what the lease holder reads at every tick). */
  report(planId: string, at: Millis): PlanReport {
    const plan = this.plans.get(planId);
    if (!plan) return { planId, status: 'missing', changed: [], fenceToken: 0 };
    if (at < plan.finishAt) return { planId, status: 'running', changed: [], fenceToken: 1 };
    this.writer = plan.to;
    return { planId, status: 'succeeded', changed: ['fence-old-writer', 'promote-database', 'flip-traffic'], fenceToken: 1 };
  }

  /** When the last unfinished plan finishes, if one runs at `at`. */
  busyUntil(at: Millis): Millis | undefined {
    const running = [...this.plans.values()].filter((p) => p.finishAt > at);
    return running.length > 0 ? Math.max(...running.map((p) => p.finishAt)) : undefined;
  }

  /** When reads in [from, to] fail although the writer is fine. */
  readFailuresBetween(from: Millis, to: Millis): Millis[] {
    const { startAt, interval } = this.database;
    return this.blips.eventsBetween(Math.floor((from - startAt) / interval), Math.ceil((to - startAt) / interval) + 1).map((e) => startAt + e.probe * interval);
  }

  /** Every secondary's lag with `writer` writing: shared per writer while replication flows (the engine only reads it). */
  private lagFrom(writer: string, at: Millis): Record<string, number> {
    const base = this.database.replicationLag;
    const cut = this.regions.filter((r) => r !== writer).map((r) => [r, this.world.replicationCutSince(writer, r, at)] as const);
    if (cut.some(([, since]) => since !== undefined)) return Object.fromEntries(cut.map(([r, since]) => [r, base + (since === undefined ? 0 : at - since)]));
    let lag = this.lagByWriter.get(writer);
    if (!lag) {
      lag = Object.fromEntries(this.regions.filter((r) => r !== writer).map((r) => [r, base]));
      this.lagByWriter.set(writer, lag);
    }
    return lag;
  }

  /** The status read that completes at `at`. */
  databaseStatus(at: Millis): DatabaseStatus {
    const { readTimeout, startAt, interval } = this.database;
    const blip = this.blips.effectAt(Math.round((at - startAt) / interval))?.lost === true;
    return {
      at,
      writerRegion: this.writer,
      lagMs: this.lagFrom(this.writer, at),
      transitioning: this.busyUntil(at) !== undefined,
      writerReachable: !blip && this.world.writerAnswers(this.writer, at, readTimeout),
    };
  }
}
