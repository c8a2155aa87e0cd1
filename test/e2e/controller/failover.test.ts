import { resolve4 } from 'node:dns/promises';
import { Resolver } from 'node:dns/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../controller/config/load.js';
import { baseConfig, clientTraffic, holder, planFinished, sleep, startHarness, steady, submit, until, type Harness } from './deployment.js';

/**
 * The controller end to end: the sandbox and three replicas on loopback, the production adapters
 * against the emulated AWS APIs, faults injected through the sandbox.
 */

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const topology = async (h: Harness) => (await h.store.topology.read())?.topology;
const resolverFor = (h: Harness) => {
  const resolver = new Resolver();
  resolver.setServers([h.deployment.sandbox.endpoints.dns]);
  return resolver;
};
void resolve4;

describe('automated failover', () => {
  it('fails over when the primary region goes down: DB writer and traffic move, clients recover', async () => {
    const h = (harness = await startHarness());
    await steady(h);
    const traffic = clientTraffic(h, 60_000);
    await sleep(2000);
    h.deployment.sandbox.faults.add({ kind: 'region-down', region: 'us-east-1' });

    const plan = await planFinished(h);
    expect(plan).toMatchObject({ status: 'succeeded', plan: { operation: 'failover', from: 'us-east-1', to: 'us-west-2', trigger: 'automatic' } });
    expect(await topology(h)).toMatchObject({ primary: 'us-west-2', phase: 'failed-over', lostPrimary: 'us-east-1' });

    const stats = h.deployment.sandbox.stats();
    expect(stats.dbWriter).toBe('us-west-2');
    expect(stats.routingControls).toEqual({ 'us-east-1': 'Off', 'us-west-2': 'On', 'eu-west-1': 'Off' });

    // DNS: the public name now answers with us-west-2's app; the writer name still follows the global endpoint.
    const appHost = new URL(h.deployment.sandbox.endpoints.regions['us-west-2']!.app).hostname;
    await until('the public name to answer with us-west-2', async () => (await resolverFor(h).resolve4(h.config.traffic.publicName)).join() === appHost, 15_000);
    expect(await resolverFor(h).resolveCname(h.config.database.endpointRecords.writer)).toEqual([h.config.database.globalWriterEndpoint]);

    // Clients recover: after the flip, requests succeed and are served by us-west-2.
    await sleep(4000);
    const before = traffic.timeline().length;
    await sleep(3000);
    const recent = traffic.timeline().slice(before, -1);
    await traffic.stop();
    expect(recent.length).toBeGreaterThan(0);
    for (const second of recent) {
      expect(second.failed).toBe(0);
      expect(Object.keys(second.regions)).toEqual(['us-west-2']);
    }
    const decision = h.decisions.find((d) => d.decision.kind === 'flip')!;
    expect(decision.decision.reason).toMatch(/^failover us-east-1 -> us-west-2: regional outage confirmed by \d\/\d vantage points/);
  });

  it.each([
    { name: 'a shared dependency hanging in every region', fault: { kind: 'dependency-hang' } },
    { name: 'a 429 storm in every region', fault: { kind: 'app-429' } },
  ])('does not fail over on a global failure ($name) and says why', async ({ fault }) => {
    const h = (harness = await startHarness());
    await steady(h);
    h.deployment.sandbox.faults.add(fault);
    await until('a decision naming the global failure', () => h.decisions.some((d) => /no failover: global/.test(d.decision.reason)), 20_000);
    await sleep(5000);
    expect(h.decisions.filter((d) => d.decision.kind === 'flip')).toEqual([]);
    expect(await h.store.journal.listPlans()).toEqual([]);
    expect(h.deployment.sandbox.stats().dbWriter).toBe('us-east-1');
  });

  it('fails over when the primary region hangs, on the writer not answering, not on the app alone', async () => {
    // A region whose APIs and app accept connections and never answer: the database reads must
    // still end (each within detection.writerTimeout) and count as the writer not answering.
    const h = (harness = await startHarness());
    await steady(h);
    const faultAt = Date.now();
    h.deployment.sandbox.faults.add({ kind: 'region-hang', region: 'us-east-1' });

    const plan = await planFinished(h);
    expect(plan).toMatchObject({ status: 'succeeded', plan: { operation: 'failover', from: 'us-east-1', to: 'us-west-2', trigger: 'automatic' } });
    expect(h.deployment.sandbox.stats().dbWriter).toBe('us-west-2');
    const flip = h.decisions.find((d) => d.decision.kind === 'flip')!;
    expect(flip.decision.reason).toMatch(/writer unreachable for \d+ reads/);
    console.info(`measured: the first flip decision ${flip.decision.at - faultAt} ms after the region hung (${flip.region}): ${flip.decision.reason}`);
  });

  it('does not fail over when one vantage point is cut off from the primary', async () => {
    const h = (harness = await startHarness());
    await steady(h);
    h.deployment.sandbox.faults.add({ kind: 'vantage-cut', vantage: 'us-west-2', region: 'us-east-1' });
    await sleep(10_000);
    expect(h.decisions.filter((d) => d.decision.kind === 'flip')).toEqual([]);
    const verdict = holder(h)!.replica.status().assessment!.verdicts['us-east-1']!;
    expect(verdict.health).not.toBe('failed');
    expect(verdict.evidence.some((e) => e.vantage === 'us-west-2' && e.health === 'failed')).toBe(true);
  });

  it('keeps going when three of the five ARC endpoints are down', async () => {
    const h = (harness = await startHarness());
    await steady(h);
    for (const endpoint of [0, 1, 2]) h.deployment.sandbox.faults.add({ kind: 'arc-endpoint-down', endpoint });
    h.deployment.sandbox.faults.add({ kind: 'region-down', region: 'us-east-1' });
    const plan = await planFinished(h);
    expect(plan.status).toBe('succeeded');
    expect(h.deployment.sandbox.stats().routingControls).toEqual({ 'us-east-1': 'Off', 'us-west-2': 'On', 'eu-west-1': 'Off' });
  });

  it('lets the standby replicas act when the primary region replica gets AccessDenied from every AWS call', async () => {
    const h = (harness = await startHarness());
    await steady(h);
    h.deployment.sandbox.faults.add({ kind: 'access-denied', region: 'us-east-1' });
    await until('the us-east-1 replica to give up the lease', () => !h.deployment.replicas.get('us-east-1')!.replica.status().holder && holder(h) !== undefined, 30_000);
    h.deployment.sandbox.faults.add({ kind: 'region-down', region: 'us-east-1' });
    const plan = await planFinished(h);
    expect(plan.status).toBe('succeeded');
    expect(holder(h)!.region).not.toBe('us-east-1');
    expect(h.deployment.sandbox.stats().dbWriter).toBe('us-west-2');
  });
});

describe('manual operations', () => {
  it('runs a planned switchover without losing a write', async () => {
    const h = (harness = await startHarness());
    await steady(h);
    const traffic = clientTraffic(h, 60_000);
    await sleep(2000);
    const record = await submit(h, { kind: 'switchover', id: 'game-day-1', to: 'eu-west-1', reason: 'game day', actor: 'user/alice', at: Date.now() });
    expect(record).toMatchObject({ status: 'done' });
    const plan = await planFinished(h);
    expect(plan.status).toBe('succeeded');
    await sleep(2000);
    await traffic.stop();
    const stats = h.deployment.sandbox.stats();
    expect(stats.dbWriter).toBe('eu-west-1');
    expect(stats.writesCommitted).toBeGreaterThan(0);
    expect(stats.writesLost).toBe(0);
    expect(await topology(h)).toMatchObject({ primary: 'eu-west-1', phase: 'steady' });
  });

  it('refuses a failover when replication lag exceeds the RPO budget, and allows it with force', async () => {
    const slow = baseConfig();
    const config = parseConfig({ ...JSON.parse(JSON.stringify(slow)), sandbox: { ...slow.sandbox, replicationLag: 9000 } });
    const h = (harness = await startHarness(config));
    await steady(h);
    const traffic = clientTraffic(h, 60_000);
    await until('lag above the budget to be reported', () => {
      const lag = holder(h)?.replica.status().conditions.find((c) => c.type === 'ReplicationLagWithinBudget' && c.region === 'us-west-2');
      return lag?.status === 'false';
    }, 40_000, 250);
    const refused = await submit(h, { kind: 'failover', id: 'f-1', to: 'us-west-2', reason: 'test', actor: 'user/alice', at: Date.now() });
    expect(refused.status).toBe('refused');
    expect(refused.reason).toMatch(/exceeds the RPO budget 5s/);
    expect(h.deployment.sandbox.stats().dbWriter).toBe('us-east-1');

    const forced = await submit(h, { kind: 'failover', id: 'f-2', to: 'us-west-2', reason: 'test', actor: 'user/alice', force: true, at: Date.now() });
    expect(forced).toMatchObject({ status: 'done', reason: expect.stringMatching(/forced past: .*readiness/) });
    const plan = await planFinished(h);
    await traffic.stop();
    expect(plan.status).toBe('succeeded');
    expect(h.deployment.sandbox.stats().dbWriter).toBe('us-west-2');
    const audit = await h.store.audit.readAll();
    expect(audit.some((r) => r.phase === 'refused' && r.actor === 'user/alice')).toBe(true);
  });
});
