import { describe, expect, it } from 'vitest';
import type { GroupScore, PolicyScore } from '../../../../../controller/sim/bench/score.js';
import { checkTargets } from '../../../../../controller/sim/bench/targets.js';

const group = (detected: number, incidents: number, p99: number): GroupScore => ({ incidents, detected, missed: incidents - detected, ttdMs: { p50: p99, p99, max: p99 } });
const score = (overrides: Partial<PolicyScore> = {}): PolicyScore => ({
  name: 'fcp',
  incidents: 30,
  detected: 30,
  missed: 0,
  falseFailovers: 0,
  wrongFailovers: 0,
  ttdMs: { p50: 5000, p99: 20_000, max: 20_000 },
  groups: { region: group(10, 10, 5000), app: group(10, 10, 18_000), 'slow-onset': group(10, 10, 50_000) },
  lateFailovers: 0,
  toleratedFailovers: 0,
  failoversByKind: {},
  mistakes: [],
  ...overrides,
});
const fast = score({ name: 'route53-fast', groups: { region: group(10, 10, 30_000) } });
const check = (engine: PolicyScore, cpuMs = 20_000) => Object.fromEntries(checkTargets({ engine, route53Fast: fast, regionHours: 10_000, cpuMs }).map((t) => [t.target.split(':')[0]!.split(' ').slice(0, 2).join(' '), t.met]));

describe('checkTargets', () => {
  it('meets every target on a run that does', () => {
    expect(Object.values(check(score()))).toEqual([true, true, true, true, true, true]);
  });

  it.each<[string, Partial<PolicyScore>, string]>([
    ['a blip moved traffic', { failoversByKind: { 'blip-503': 1 } }, '0 failovers'],
    ['a region-level outage missed', { groups: { ...score().groups, region: group(9, 10, 5000) } }, 'region-level outages'],
    ['region-level p99 past a fifth of route53-fast', { groups: { ...score().groups, region: group(10, 10, 7000) } }, 'region-level outages'],
    ['app-only p99 past 20s', { groups: { ...score().groups, app: group(10, 10, 21_000) } }, 'app-only outages'],
    ['slow onset p99 past 60s', { groups: { ...score().groups, 'slow-onset': group(10, 10, 61_000) } }, 'slow-onset gray'],
    ['a wrong failover', { wrongFailovers: 1 }, '0 false'],
  ])('does not meet it when %s', (_what, overrides, target) => {
    expect(check(score(overrides))[target]).toBe(false);
  });

  it('scales the CPU time to 10,000 region-hours', () => {
    expect(check(score(), 61_000)['10,000 region-hours']).toBe(false);
  });
});
