import type { Millis } from '../domain/time.js';
import type { Command, DatabaseStatus } from '../domain/types.js';
import type { World } from './world.js';

interface RunningPlan {
  planId: string;
  to: string;
  finishAt: Millis;
}

/**
 * The executor and the database as the simulated engine sees them: a plan takes `planDuration`
 * and then reports success (the writer moves to the plan's target); the database reports a fixed
 * replication lag for every secondary and whether the writer's region answers.
 */
export class SimulatedExecutor {
  private running: RunningPlan[] = [];
  private writer: string;
  private sequence = 0;
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

  /** Forget running plans and put the writer back in the configured primary (a fresh episode). */
  reset(): void {
    this.running = [];
    this.writer = this.primary;
  }

  start(planId: string, to: string, at: Millis): void {
    this.running.push({ planId, to, finishAt: at + this.planDuration });
  }

  /** `plan-finished` reports for the plans done by `at`, in the order they started. */
  reportsDue(at: Millis): Command[] {
    const done = this.running.filter((p) => p.finishAt <= at);
    this.running = this.running.filter((p) => p.finishAt > at);
    return done.map((plan) => {
      this.writer = plan.to;
      return { kind: 'plan-finished', id: `sim-report-${++this.sequence}`, planId: plan.planId, ok: true, at };
    });
  }

  /** When the last running plan will report, if any runs. */
  busyUntil(): Millis | undefined {
    return this.running.length > 0 ? Math.max(...this.running.map((p) => p.finishAt)) : undefined;
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
      transitioning: this.running.length > 0,
      writerReachable: !this.world.replicaDown(this.writer, at),
    };
  }
}
