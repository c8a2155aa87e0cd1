import type { Millis } from '../../kernel/time.js';
import type { ProbeOutcome } from '../domain/types.js';

/**
 * An observer that knows its own health (DESIGN.md rule 15). A prober on a starved machine sends
 * late, reads answers late and fires its deadlines late: its timeouts and slow answers say more
 * about itself than about the target. Results taken while its own delay was past
 * `probe.starvedAfter` are `unknown`, never the target's failure. So are results that failed for
 * want of a local resource (file descriptors, ports, buffers). A refused connection or an HTTP
 * error is still an answer from the target and stands.
 */

/** Error codes that name the observer's own machine, not the target. */
const LOCAL_RESOURCE_CODES = new Set(['EMFILE', 'ENFILE', 'EADDRNOTAVAIL', 'ENOBUFS', 'ENOMEM']);

export interface ProbeResult {
  outcome: ProbeOutcome;
  latencyMs: number;
  detail?: string;
}

export interface OwnHealthSettings {
  starvedAfter: Millis;
  latencyBudget: Millis;
}

/** The result as the observer may report it, given its own delay while the probe was out. */
export function judgeOwnHealth(result: ProbeResult, ownDelayMs: Millis, settings: OwnHealthSettings): ProbeResult {
  const code = result.detail ?? '';
  if (result.outcome === 'fail' && LOCAL_RESOURCE_CODES.has(code)) return { outcome: 'unknown', latencyMs: result.latencyMs, detail: `observer out of a local resource (${code})` };
  const suspect = result.outcome === 'timeout' || (result.outcome === 'ok' && result.latencyMs > settings.latencyBudget);
  if (suspect && ownDelayMs >= settings.starvedAfter) {
    return { outcome: 'unknown', latencyMs: result.latencyMs, detail: `observer starved: ${Math.round(ownDelayMs)}ms late (${result.detail ?? `${Math.round(result.latencyMs)}ms`} not counted)` };
  }
  return result;
}

/**
 * Measures this process's own delay: a timer that should fire every `everyMs` notes how late it
 * fires (event-loop delay). `delayBetween(from, to)` is the worst lateness seen over that span (the
 * sample that covers its end included), in the monotonic milliseconds of `performance.now()`.
 */
export class OwnDelayMonitor {
  private readonly samples: { at: number; lagMs: number }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private expected = 0;

  constructor(
    private readonly everyMs: Millis = 20,
    private readonly keepMs: Millis = 10_000,
  ) {}

  start(): void {
    if (this.timer) return;
    this.expected = performance.now() + this.everyMs;
    const tick = () => {
      const now = performance.now();
      this.record(now, Math.max(0, now - this.expected));
      this.expected = now + this.everyMs;
      this.timer = setTimeout(tick, this.everyMs);
      this.timer.unref();
    };
    this.timer = setTimeout(tick, this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Notes a lateness measured at `at` (the timer's, or any the caller measured itself). */
  record(at: number, lagMs: number): void {
    this.samples.push({ at, lagMs });
    let drop = 0;
    while (drop < this.samples.length && this.samples[drop]!.at < at - this.keepMs) drop++;
    if (drop > 0) this.samples.splice(0, drop);
  }

  /** The worst delay noted in [from, to], and the lateness of a timer still pending at `to`. */
  delayBetween(from: number, to: number): number {
    let worst = this.timer ? Math.max(0, to - this.expected) : 0;
    for (let i = this.samples.length - 1; i >= 0; i--) {
      const sample = this.samples[i]!;
      if (sample.at < from) break;
      if (sample.at <= to + this.everyMs && sample.lagMs > worst) worst = sample.lagMs;
    }
    return worst;
  }
}
