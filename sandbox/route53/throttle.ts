/** A token bucket: `burst` tokens, refilled continuously at `refillPerSecond`. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly burst: number;
  private readonly refillPerSecond: number;
  private readonly now: () => number;

  constructor(burst: number, refillPerSecond: number, now: () => number = Date.now) {
    this.burst = burst;
    this.refillPerSecond = refillPerSecond;
    this.now = now;
    this.tokens = burst;
    this.last = now();
  }

  /** Takes one token if there is one. */
  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.refillPerSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export interface BucketSize {
  burst: number;
  refillPerSecond: number;
}

/** Route 53's request limits (token buckets since mid-2026). `false` turns a limit off. */
export interface ThrottleOptions {
  /** Every request of the account. Default: burst 50, refill 10/s. */
  account?: BucketSize | false;
  /** GetHealthCheckStatus, on top of the account limit. Default: burst 4, refill 1/s. */
  healthCheckStatus?: BucketSize | false;
}

export const ROUTE53_ACCOUNT_LIMIT: BucketSize = { burst: 50, refillPerSecond: 10 };
export const ROUTE53_HEALTH_CHECK_STATUS_LIMIT: BucketSize = { burst: 4, refillPerSecond: 1 };

/** Decides per request whether Route 53 would throttle it. */
export class Route53Throttle {
  private readonly account: TokenBucket | undefined;
  private readonly healthCheckStatus: TokenBucket | undefined;

  constructor(options: ThrottleOptions = {}, now: () => number = Date.now) {
    const bucket = (size: BucketSize | false): TokenBucket | undefined => (size === false ? undefined : new TokenBucket(size.burst, size.refillPerSecond, now));
    this.account = bucket(options.account ?? ROUTE53_ACCOUNT_LIMIT);
    this.healthCheckStatus = bucket(options.healthCheckStatus ?? ROUTE53_HEALTH_CHECK_STATUS_LIMIT);
  }

  /** Whether `operation` may run now; takes the tokens it needs. */
  admit(operation: string): boolean {
    if (this.account && !this.account.take()) return false;
    if (operation === 'GetHealthCheckStatus' && this.healthCheckStatus && !this.healthCheckStatus.take()) return false;
    return true;
  }
}
