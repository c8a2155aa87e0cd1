import { TokenBucket } from '../../kernel/token-bucket.js';

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
    if (this.account && !this.account.tryTake()) return false;
    if (operation === 'GetHealthCheckStatus' && this.healthCheckStatus && !this.healthCheckStatus.tryTake()) return false;
    return true;
  }
}
