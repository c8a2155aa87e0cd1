import { afterEach, describe, expect, it } from 'vitest';
import { fcp, holder, planFinished, startHarness, steady, until, type Harness } from './deployment.js';

/**
 * The outage the product exists for: the primary region dies with its credentials and the Route 53
 * control plane at once, while the replica inside it holds the lease.
 */

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** Restarts every other replica until `region`'s replica holds the lease. */
async function leaseTo(h: Harness, region: string): Promise<void> {
  const others = [...h.deployment.replicas.keys()].filter((r) => r !== region);
  for (const other of others) await h.deployment.stopReplica(other);
  await until(`${region} to hold the lease`, () => holder(h)?.region === region, 30_000);
  for (const other of others) h.deployment.startReplica(other);
  await steady(h);
  expect(holder(h)?.region).toBe(region);
}

describe('a regional outage with credentials and the Route 53 control plane down, the lease held inside the dying region', () => {
  it('hands the lease out of the region and completes the failover, without a Route 53 API call', async () => {
    const h = (harness = await startHarness());
    await leaseTo(h, 'us-east-1');
    const route53Before = h.deployment.sandbox.stats().calls.route53;

    for (const fault of [{ kind: 'region-down', region: 'us-east-1' }, { kind: 'access-denied', region: 'us-east-1' }, { kind: 'route53-down' }]) {
      h.deployment.sandbox.faults.add(fault);
    }

    const plan = await planFinished(h, 60_000);
    expect(plan.status, plan.error).toBe('succeeded');
    expect(plan.plan).toMatchObject({ operation: 'failover', from: 'us-east-1' });
    const to = plan.plan.to;
    expect(to).not.toBe('us-east-1');
    await until('the topology to name the new primary', async () => (await h.store.topology.read())?.topology.primary === to, 15_000);
    const stored = (await h.store.topology.read())!.topology;
    expect(stored).toMatchObject({ primary: to, phase: 'failed-over', lostPrimary: 'us-east-1' });
    expect(stored.active).toBeUndefined();

    const stats = h.deployment.sandbox.stats();
    expect(stats.dbWriter).toBe(to);
    expect(Object.entries(stats.routingControls).filter(([, state]) => state === 'On').map(([region]) => region)).toEqual([to]);
    for (const action of ['ChangeResourceRecordSets', 'GetChange']) expect(stats.calls.route53[action] ?? 0).toBe(route53Before[action] ?? 0);
    expect(stats.calls.rds.FailoverGlobalCluster ?? 0).toBe(1);
    expect(stats.calls.arc.UpdateRoutingControlStates ?? 0).toBe(1);

    // The plan ran outside the dying region, and the trail says who handed it over and why: every
    // audited action of the failover left its record.
    const records = await h.store.audit.readAll();
    const actions = new Set(records.map((r) => `${r.action}:${r.phase}`));
    for (const action of ['lease/acquired:result', 'lease/handover:result', 'decision/failover:intent', 'failover/fence-old-writer:intent', 'failover/fence-old-writer:result', 'failover/promote-database:intent', 'failover/promote-database:result', 'plan/succeeded:result']) {
      expect(actions, action).toContain(action);
    }
    const handover = records.find((r) => r.action === 'lease/handover');
    expect(handover?.actor).toMatch(/^replica\/us-east-1\//);
    const sideEffects = records.filter((r) => r.phase === 'intent' && r.action.startsWith('failover/'));
    expect(sideEffects.length).toBeGreaterThan(0);
    for (const record of sideEffects) expect(record.actor).not.toMatch(/^replica\/us-east-1\//);
    expect((await h.store.audit.verify()).ok).toBe(true);
    // Signed checkpoints vouch for every record: `fcp audit --verify` checks the chain against them.
    await until('the replicas to checkpoint their records', async () => JSON.parse((await fcp(h, ['audit', '--verify', '--json'])).stdout).awaitingCheckpoint === 0, 30_000, 1000);
    const verified = await fcp(h, ['audit', '--verify', '--json']);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, problems: [], attestedThrough: records.length });
  });
});
