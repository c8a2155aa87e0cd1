import type { Millis } from '../../kernel/time.js';

/**
 * Runs a slow read in the background at its own cadence and keeps the latest result, so a read that
 * hangs on a dead region never delays the tick that uses it. With `inFlight` above 1, a read starts
 * on cadence while earlier ones still wait (up to that many at once): reads that each end at their
 * deadline then still give a result every period. An older read that ends late never replaces a
 * newer one's result.
 */
export class Background<T> {
  private latest: T | undefined;
  /** When the read whose result `latest` holds started. */
  private latestStart = Number.NEGATIVE_INFINITY;
  private readonly running = new Set<Promise<void>>();
  private lastStart = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly read: () => Promise<T | undefined>,
    private readonly everyMs: () => Millis,
    private readonly onError: (error: unknown) => void,
    private readonly inFlight: () => number = () => 1,
  ) {}

  /** Starts a read when one is due; returns the latest result without waiting. */
  poll(now: Millis): T | undefined {
    if (this.running.size < this.inFlight() && now - this.lastStart >= this.everyMs()) {
      this.lastStart = now;
      const started = now;
      const run: Promise<void> = this.read()
        .then((value) => {
          if (value === undefined || started < this.latestStart) return;
          this.latest = value;
          this.latestStart = started;
        }, this.onError)
        .finally(() => this.running.delete(run));
      this.running.add(run);
    }
    return this.latest;
  }

  /** Waits for the reads in progress (shutdown, tests). */
  async settle(): Promise<void> {
    await Promise.all(this.running);
  }
}
