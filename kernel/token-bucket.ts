import type { Millis } from './time.js';

/**
 * A token bucket: `capacity` tokens at most, refilled continuously at `refillPerSecond`. Used by the
 * controller to pace its own calls and by the sandbox to emulate AWS's rate limits. An infinite
 * refill never limits.
 */
export class TokenBucket {
  private tokens: number;
  private refilledAt: Millis;

  constructor(
    private readonly capacity: number,
    private readonly refillPerSecond: number,
    private readonly now: () => Millis,
  ) {
    this.tokens = capacity;
    this.refilledAt = now();
  }

  /** Takes one token if there is one; never waits. */
  tryTake(): boolean {
    if (this.refillPerSecond === Number.POSITIVE_INFINITY) return true;
    const at = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((at - this.refilledAt) / 1000) * this.refillPerSecond);
    this.refilledAt = at;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
