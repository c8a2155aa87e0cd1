import { describe, expect, it } from 'vitest';
import { Route53Throttle, TokenBucket } from '../../../../sandbox/route53/throttle.js';

describe('TokenBucket', () => {
  it('allows a burst, then refills at its rate', () => {
    let now = 0;
    const bucket = new TokenBucket(3, 2, () => now);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    now = 499;
    expect(bucket.take()).toBe(false);
    now = 500;
    expect(bucket.take()).toBe(true);
    now = 100_000;
    expect(Array.from({ length: 4 }, () => bucket.take())).toEqual([true, true, true, false]);
  });
});

describe('Route53Throttle', () => {
  it('uses Route 53 defaults: account burst 50, GetHealthCheckStatus burst 4', () => {
    const throttle = new Route53Throttle({}, () => 0);
    expect(Array.from({ length: 5 }, () => throttle.admit('GetHealthCheckStatus'))).toEqual([true, true, true, true, false]);
    const admitted = Array.from({ length: 50 }, () => throttle.admit('ListHostedZones')).filter(Boolean).length;
    expect(admitted).toBe(45); // the five status calls took account tokens too
  });

  it('can turn either limit off', () => {
    const throttle = new Route53Throttle({ account: false, healthCheckStatus: false }, () => 0);
    expect(Array.from({ length: 200 }, () => throttle.admit('GetHealthCheckStatus')).every(Boolean)).toBe(true);
  });
});
