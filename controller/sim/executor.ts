import type { Millis } from '../domain/time.js';
import type { DatabaseStatus, PlanReport } from '../domain/types.js';
import type { World } from './world.js';

interface SimulatedPlan {
  planId: string;
  to: string;
  finishAt: Millis;
}

/**
 * The executor, its journal and the database as the simulated engine sees them: a plan runs for
 * `planDuration`, then its journal says `succeeded` (the writer has moved to the plan's target).
 * The engine learns that the way it does in production: by reading the active plan's report at
 * every step. The database reports a fixed replication lag for every secondary and whether the
 * writer's region answers.
 */
export class SimulatedExecutor {
  private plans = new Map<string, SimulatedPlan>();
  private writer: string;
  private readonly lagByWriter = new Map<string, Record<string, number>>();

  constructor(
    private readonly world: World,
    private readonly regions: readonly string[],
    private readonly primary: string,
    private readonly planDuration: Millis,
    private readonly replicationLag: Millis,
  ) {
    this.writer = primary;
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

  /** Every secondary's lag with `writer` writing; one object per writer, shared (the engine only reads it). */
  private lagFrom(writer: string): Record<string, number> {
    let lag = this.lagByWriter.get(writer);
    if (!lag) {
      lag = Object.fromEntries(this.regions.filter((r) => r !== writer).map((r) => [r, this.replicationLag]));
      this.lagByWriter.set(writer, lag);
    }
    return lag;
  }

  databaseStatus(at: Millis): DatabaseStatus {
    return {
      at,
      writerRegion: this.writer,
      lagMs: this.lagFrom(this.writer),
      transitioning: this.busyUntil(at) !== undefined,
      writerReachable: !this.world.replicaDown(this.writer, at),
    };
  }
}
