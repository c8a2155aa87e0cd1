import { describe, expect, it } from 'vitest';
import { assess } from '../../../../controller/domain/assess.js';
import { initialTopology } from '../../../../controller/domain/decide.js';
import { checkGuards, GUARD_NAMES, type FlipProposal, type GuardContext } from '../../../../controller/domain/guards.js';
import type { Topology } from '../../../../controller/domain/types.js';
import { allVantages, config, database, world } from './fixtures.js';

const NOW = 10_000_000;
const outage = assess(world(NOW, { 'us-east-1': allVantages('failed') }), config, NOW);
const failover: FlipProposal = { operation: 'failover', mode: 'unplanned', trigger: 'automatic', from: 'us-east-1', to: 'us-west-2', force: false };

function base(overrides: Partial<GuardContext> = {}): GuardContext {
  return { config, topology: initialTopology(config), assessment: outage, database: database(NOW), readiness: undefined, now: NOW, ...overrides };
}
const topology = (t: Partial<Topology>): Topology => ({ ...initialTopology(config), ...t });

describe('guards', () => {
  it('pass for a confirmed regional outage with a healthy, caught-up target', () => {
    const results = checkGuards(failover, base());
    expect(results.map((r) => r.guard)).toEqual(GUARD_NAMES);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results.every((r) => r.reason.length > 0)).toBe(true);
  });

  it.each([
    { guard: 'no-plan-running', proposal: failover, ctx: { topology: topology({ active: { planId: 'p', operation: 'failover', mode: 'unplanned', from: 'us-east-1', to: 'eu-west-1', startedAt: NOW } }) }, reason: /plan p .* is still running/, overridable: false },
    { guard: 'target-region', proposal: { ...failover, to: 'ap-south-1' }, ctx: {}, reason: /"ap-south-1" is not a configured region/, overridable: false },
    { guard: 'target-region', proposal: { ...failover, to: 'us-east-1' }, ctx: {}, reason: /already the primary/, overridable: false },
    { guard: 'not-paused', proposal: failover, ctx: { topology: topology({ paused: { reason: 'db maintenance', actor: 'bob', at: 1 } }) }, reason: /paused by bob: db maintenance/, overridable: false },
    { guard: 'classification', proposal: failover, ctx: { assessment: assess(world(NOW, { 'us-east-1': allVantages('failed'), 'us-west-2': allVantages('failed'), 'eu-west-1': allVantages('failed') }), config, NOW) }, reason: /failover cannot help: global/, overridable: true },
    { guard: 'classification', proposal: failover, ctx: { assessment: assess(world(NOW), config, NOW) }, reason: /no regional outage/, overridable: true },
    { guard: 'target-healthy', proposal: failover, ctx: { assessment: assess(world(NOW, { 'us-east-1': allVantages('failed'), 'us-west-2': allVantages('degraded') }), config, NOW) }, reason: /target us-west-2 is not healthy: degraded/, overridable: true },
    { guard: 'old-writer-reachable', proposal: { ...failover, operation: 'switchover', mode: 'planned', trigger: 'manual' }, ctx: { database: { ...database(NOW), writerReachable: false } }, reason: /needs the old writer us-east-1, which does not answer/, overridable: false },
    { guard: 'replication-lag', proposal: failover, ctx: { database: database(NOW, { 'us-west-2': 9_000 }) }, reason: /lag 9s exceeds the RPO budget 5s/, overridable: true },
    { guard: 'replication-lag', proposal: failover, ctx: { database: undefined }, reason: /lag of us-west-2 is unknown/, overridable: true },
    { guard: 'cooldown', proposal: failover, ctx: { topology: topology({ flips: [NOW - 60_000] }) }, reason: /cooldown: last flip 1m ago, cooldown is 10m/, overridable: true },
    { guard: 'flip-limit', proposal: failover, ctx: { topology: topology({ flips: [NOW - 50 * 60_000, NOW - 40 * 60_000] }) }, reason: /flip limit reached: 2 flips/, overridable: true },
    { guard: 'readiness', proposal: failover, ctx: { readiness: [{ type: 'TargetClusterHasInstances', status: 'false' as const, reason: 'Headless', message: 'no instances', at: NOW, region: 'us-west-2' }] }, reason: /TargetClusterHasInstances false/, overridable: true },
  ])('$guard refuses: $reason', ({ guard, proposal, ctx, reason, overridable }) => {
    const results = checkGuards(proposal as FlipProposal, base(ctx));
    const result = results.find((r) => r.guard === guard)!;
    expect(result.ok).toBe(false);
    expect(result.reason).toMatch(reason);
    const forced = checkGuards({ ...(proposal as FlipProposal), force: true }, base(ctx)).find((r) => r.guard === guard)!;
    expect(forced.ok).toBe(overridable);
    expect(forced.overridden ?? false).toBe(overridable);
  });

  it('lets a manual command through while automation is paused', () => {
    const result = checkGuards({ ...failover, trigger: 'manual' }, base({ topology: topology({ paused: { reason: 'x', actor: 'bob', at: 1 } }) })).find((r) => r.guard === 'not-paused')!;
    expect(result).toMatchObject({ ok: true, reason: 'automation paused; manual commands still allowed' });
  });
});
