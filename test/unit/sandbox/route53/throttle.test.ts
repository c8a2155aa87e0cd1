import { describe, expect, it } from 'vitest';
import { Route53Throttle } from '../../../../sandbox/route53/throttle.js';

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
