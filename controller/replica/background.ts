import type { Millis } from '../../kernel/time.js';

/**
 * Runs a slow read in the background at its own cadence (never overlapping itself) and keeps the
 * latest result, so a read that hangs on a dead region never delays the tick that uses it.
 */
export class Background<T> {
  private latest: T | undefined;
  private running: Promise<void> | undefined;
  private lastStart = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly read: () => Promise<T | undefined>,
    private readonly everyMs: () => Millis,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Starts a read when one is due; returns the latest result without waiting. */
  poll(now: Millis): T | undefined {
    if (!this.running && now - this.lastStart >= this.everyMs()) {
      this.lastStart = now;
      this.running = this.read()
        .then((value) => {
          if (value !== undefined) this.latest = value;
        }, this.onError)
        .finally(() => (this.running = undefined));
    }
    return this.latest;
  }

  /** Waits for a read in progress (shutdown, tests). */
  async settle(): Promise<void> {
    await this.running;
  }
}
