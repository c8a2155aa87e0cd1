/** A token bucket: `rate` tokens per second, holding at most `rate` (so bursts of `rate`). */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly rate: number,
    private readonly clock: () => number,
  ) {
    this.tokens = rate;
    this.last = clock();
  }

  /** Takes one token if there is one. An infinite rate never limits. */
  take(): boolean {
    if (this.rate === Number.POSITIVE_INFINITY) return true;
    const now = this.clock();
    this.tokens = Math.min(this.rate, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
