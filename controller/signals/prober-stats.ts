import type { ProbeOutcome } from '../domain/types.js';

/** The most recent values kept for percentiles: enough for a benchmark, bounded for a long-running replica. */
const KEPT = 20_000;

/** A bounded ring of recent values, for percentiles. */
class Recent {
  private readonly values: number[] = [];
  private index = 0;

  add(value: number): void {
    if (this.values.length < KEPT) this.values.push(value);
    else this.values[this.index++ % KEPT] = value;
  }

  /** Nearest-rank percentile of the kept values (null when there are none). */
  percentile(p: number): number | null {
    if (this.values.length === 0) return null;
    const sorted = [...this.values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
  }

  clear(): void {
    this.values.length = 0;
    this.index = 0;
  }
}

export interface ProberStatsSnapshot {
  sent: number;
  completed: number;
  outcomes: Record<ProbeOutcome, number>;
  /** Latency of answered probes (ok or HTTP errors), ms. */
  latencyMs: { p50: number | null; p99: number | null; max: number | null };
  /** How late the schedule sent probes, ms: the prober's own saturation. */
  sentLateMs: { p99: number | null; max: number | null };
  /** How late timed-out probes' deadlines fired past the timeout, ms. */
  deadlineLateMs: { p99: number | null; max: number | null };
}

/** What the prober measures of its own work and saturation. */
export class ProberStats {
  private sentCount = 0;
  private completedCount = 0;
  private outcomes: Record<ProbeOutcome, number> = { ok: 0, fail: 0, timeout: 0, unknown: 0 };
  private readonly latency = new Recent();
  private readonly sentLate = new Recent();
  private readonly deadlineLate = new Recent();

  sent(lateMs: number): void {
    this.sentCount++;
    this.sentLate.add(lateMs);
  }

  completed(outcome: ProbeOutcome, latencyMs: number, deadlineLateMs: number): void {
    this.completedCount++;
    this.outcomes[outcome]++;
    if (outcome === 'ok' || outcome === 'fail') this.latency.add(latencyMs);
    if (outcome === 'timeout' || deadlineLateMs > 0) this.deadlineLate.add(deadlineLateMs);
  }

  /** Forgets everything counted so far (a benchmark's warm-up). */
  reset(): void {
    this.sentCount = 0;
    this.completedCount = 0;
    this.outcomes = { ok: 0, fail: 0, timeout: 0, unknown: 0 };
    this.latency.clear();
    this.sentLate.clear();
    this.deadlineLate.clear();
  }

  snapshot(): ProberStatsSnapshot {
    return {
      sent: this.sentCount,
      completed: this.completedCount,
      outcomes: { ...this.outcomes },
      latencyMs: { p50: this.latency.percentile(50), p99: this.latency.percentile(99), max: this.latency.percentile(100) },
      sentLateMs: { p99: this.sentLate.percentile(99), max: this.sentLate.percentile(100) },
      deadlineLateMs: { p99: this.deadlineLate.percentile(99), max: this.deadlineLate.percentile(100) },
    };
  }
}
