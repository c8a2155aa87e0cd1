import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { renderDrill } from '../../../cli/drill/report.js';
import { parseConfig } from '../../../controller/config/load.js';
import { openStateStore } from '../../../controller/store/from-config.js';
import { startSandbox } from '../../../sandbox/up.js';
import { baseConfig, fcp, planFinished, repoRoot, sleep, startHarness, steady, submit, until, type Harness } from './deployment.js';

/** Operations an operator or an incident forces: killed replicas, a lost store, a throttled API, bad input. */

let harness: Harness | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('a lease holder killed in the middle of a plan', () => {
  it('is replaced by another replica that resumes the plan, and no side effect happens twice', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fcp-e2e-kill-'));
    const slow = baseConfig();
    // A longer switchover leaves time to kill the holder while the plan runs.
    const config = parseConfig({ ...JSON.parse(JSON.stringify(slow)), sandbox: { ...slow.sandbox, switchoverBase: 6000 } });
    const sandbox = await startSandbox(config, { dataDir: join(dir, 'store'), ephemeralPorts: true });
    cleanups.push(async () => {
      await sandbox.stop();
      await rm(dir, { recursive: true, force: true });
    });
    const configFile = join(dir, 'config.yaml');
    // The replicas' audit checkpoints go in this test's own folder.
    const ownConfig = { ...sandbox.config, audit: { checkpoints: { mode: 'local', dir: join(dir, 'audit'), every: 30_000 } } };
    await writeFile(configFile, YAML.stringify(JSON.parse(JSON.stringify(ownConfig))));
    const store = openStateStore(sandbox.config, { region: 'eu-west-1' });
    cleanups.push(async () => store.close());
    await store.ensureTable();

    const processes = new Map<string, ChildProcess>();
    for (const region of ['us-east-1', 'us-west-2', 'eu-west-1']) {
      const child = spawn(process.execPath, [join(repoRoot, 'bin/fcp.js'), 'controller', '--config', configFile, '--region', region], { stdio: 'ignore', env: { ...process.env, FCP_LOG_LEVEL: 'warn' } });
      processes.set(region, child);
    }
    cleanups.push(async () => {
      for (const child of processes.values()) if (child.exitCode === null) child.kill('SIGKILL');
    });

    await until('a lease holder', async () => (await store.lease.read())?.holder !== undefined, 30_000);
    await until('every replica reporting', async () => (await store.observations.readAll()).length === 3, 30_000);
    // On a loaded machine the probes of a starved replica can be slow enough to judge the target
    // degraded, and the switchover is then refused (rightly): ask again until it is accepted.
    let attempt = 0;
    await until('the switchover to be accepted', async () => {
      const id = `kill-test-${++attempt}`;
      await store.commands.submit({ kind: 'switchover', id, to: 'us-west-2', reason: 'kill test', actor: 'user/alice', at: Date.now() }, Date.now());
      await until(`a decision on ${id}`, async () => ['done', 'refused'].includes((await store.commands.get(id))?.status ?? ''), 30_000);
      const record = (await store.commands.get(id))!;
      if (record.status === 'refused') expect(record.reason).toMatch(/target us-west-2 is not healthy/);
      return record.status === 'done';
    }, 90_000, 1000);
    await until('the promotion to be under way', async () => {
      const plans = await store.journal.listPlans();
      const journal = plans[0] && (await store.journal.read(plans[0].plan.id));
      if (journal && journal.head.status !== 'running') throw new Error(`the plan ended before the kill: ${journal.head.status} ${journal.head.error ?? ''}`);
      return journal?.steps.some((s) => s.status === 'started' && journal.head.plan.steps[s.index - 1]?.kind === 'wait-for-writer') ?? false;
    }, 30_000, 50);

    const holderRegion = (await store.lease.read())!.holder!.split('/')[1]!;
    processes.get(holderRegion)!.kill('SIGKILL');

    await until('the plan to finish under a new holder', async () => (await store.journal.listPlans())[0]?.status === 'succeeded', 60_000);
    await until('the new holder to settle it', async () => (await store.topology.read())?.topology.primary === 'us-west-2', 30_000);
    const audit = (await store.audit.readAll()).map((r) => r.action);
    expect(audit).toEqual(expect.arrayContaining(['lease/acquired', 'plan/resumed', 'plan/succeeded']));
    const lease = await store.lease.read();
    expect(lease?.holder?.split('/')[1]).not.toBe(holderRegion);
    const stats = sandbox.stats();
    expect(stats.dbWriter).toBe('us-west-2');
    expect(stats.calls.rds.SwitchoverGlobalCluster ?? 0).toBe(1);
    expect(stats.calls.rds.FailoverGlobalCluster ?? 0).toBe(0);
    expect(stats.calls.arc.UpdateRoutingControlStates ?? 0).toBe(1);
    expect((await store.audit.verify()).ok).toBe(true);
  });
});

describe('the state store down', () => {
  it('stops automation; break-glass fails over without it; its audit is reconciled later and verifies', async () => {
    const h = (harness = await startHarness());
    await steady(h);
    h.deployment.sandbox.faults.add({ kind: 'store-down' });
    h.deployment.sandbox.faults.add({ kind: 'region-down', region: 'us-east-1' });
    await sleep(10_000);
    expect(h.decisions.filter((d) => d.decision.kind === 'flip')).toEqual([]);
    expect(h.deployment.sandbox.stats().dbWriter).toBe('us-east-1');

    const auditFile = join(h.dir, 'break-glass.jsonl');
    const glass = await fcp(h, ['failover', '--to', 'us-west-2', '--reason', 'store and us-east-1 down', '--break-glass', '--yes', '--json', '--audit-file', auditFile]);
    expect(glass.code, glass.stderr).toBe(0);
    expect(JSON.parse(glass.stdout)).toMatchObject({ status: 'succeeded', auditFile });
    expect(h.deployment.sandbox.stats()).toMatchObject({ dbWriter: 'us-west-2', routingControls: { 'us-east-1': 'Off', 'us-west-2': 'On', 'eu-west-1': 'Off' } });

    for (const fault of h.deployment.sandbox.faults.list().filter((f) => f.kind === 'store-down')) h.deployment.sandbox.faults.remove(fault.id);
    const reconciled = await fcp(h, ['audit', '--reconcile', auditFile, '--verify', '--json']);
    expect(reconciled.code, reconciled.stderr).toBe(0);
    expect(JSON.parse(reconciled.stdout)).toMatchObject({ ok: true, reconciled: { appended: expect.any(Number) } });
    expect(JSON.parse(reconciled.stdout).reconciled.appended).toBeGreaterThan(0);
    const again = await fcp(h, ['audit', '--reconcile', auditFile, '--verify', '--json']);
    expect(JSON.parse(again.stdout).reconciled.appended).toBe(0);

    // Back with the store, the lease holder adopts the writer the break-glass run moved.
    await until('the topology to follow the writer', async () => (await h.store.topology.read())?.topology.primary === 'us-west-2', 30_000);
  });
});

describe('the CLI following a plan through a store outage', () => {
  it('rides it out and reports the real outcome, exit 0', async () => {
    const slow = baseConfig();
    // A longer switchover keeps the plan running while the store is down.
    const h = (harness = await startHarness(parseConfig({ ...JSON.parse(JSON.stringify(slow)), sandbox: { ...slow.sandbox, switchoverBase: 6000 } })));
    await steady(h);
    const cli = fcp(h, ['switchover', '--to', 'us-west-2', '--reason', 'store outage while following']);
    await until('the promotion to be under way', async () => (await h.store.journal.listPlans()).length === 1, 30_000);
    h.deployment.sandbox.faults.add({ kind: 'store-down', for: '8s' });
    const result = await cli;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/cannot read progress .*still waiting/);
    expect(result.stdout).toMatch(/plan plan-\d+-switchover-us-east-1-to-us-west-2 succeeded/);
    expect(h.deployment.sandbox.stats().dbWriter).toBe('us-west-2');
  });
});

describe('a Route 53 throttling storm during a route53 flip', () => {
  it('completes within its deadline', async () => {
    const base = JSON.parse(JSON.stringify(baseConfig())) as Record<string, unknown>;
    base.traffic = {
      mechanism: 'route53', publicName: 'login.auth.sandbox', hostedZoneId: 'ZSANDBOXPUBLIC', recordType: 'A', ttl: 5, syncDeadline: 60_000,
      records: { 'us-east-1': { setIdentifier: 'us-east-1', value: '127.0.1.1' }, 'us-west-2': { setIdentifier: 'us-west-2', value: '127.0.1.2' }, 'eu-west-1': { setIdentifier: 'eu-west-1', value: '127.0.1.3' } },
    };
    const h = (harness = await startHarness(parseConfig(base)));
    await steady(h);
    h.deployment.sandbox.faults.add({ kind: 'api-throttle', service: 'route53', for: '4s' });
    const record = await submit(h, { kind: 'switchover', id: 'r53', to: 'us-west-2', reason: 'throttled flip', actor: 'user/alice', at: Date.now() });
    expect(record.status).toBe('done');
    const plan = await planFinished(h, 90_000);
    expect(plan.status, plan.error).toBe('succeeded');
    const journal = (await h.store.journal.read(plan.plan.id))!;
    const flip = journal.steps.find((s) => journal.head.plan.steps[s.index - 1]?.kind === 'flip-traffic')!;
    expect(flip.status).toBe('done');
    expect(flip.finishedAt! - flip.startedAt!).toBeLessThan(journal.head.plan.steps[flip.index - 1]!.deadlineMs);
  });
});

describe('bad operator input', () => {
  it('refuses with exit 2 and changes nothing; what reaches the lease holder is refused there and audited', async () => {
    const slow = baseConfig();
    // A slow switchover, so the second command surely arrives while the first runs.
    const h = (harness = await startHarness(parseConfig({ ...JSON.parse(JSON.stringify(slow)), sandbox: { ...slow.sandbox, switchoverBase: 8000 } })));
    await steady(h);
    const cases = [
      { args: ['failover', '--to', 'us-west-9', '--reason', 'typo'], message: /unknown region "us-west-9"/ },
      { args: ['failover', '--to', 'us-west-2'], message: /a reason is required/ },
      { args: ['switchover', '--to', 'us-east-1', '--reason', 'already primary'], message: /us-east-1 is already the primary/ },
    ];
    for (const { args, message } of cases) {
      const result = await fcp(h, args);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(2);
      expect(result.stderr + result.stdout).toMatch(message);
    }
    // A second failover while the first runs is refused.
    await h.store.commands.submit({ kind: 'switchover', id: 'first', to: 'us-west-2', reason: 'first', actor: 'user/alice', at: Date.now() }, Date.now());
    await until('the first plan to start', async () => (await h.store.journal.listPlans()).length === 1, 20_000);
    const second = await fcp(h, ['switchover', '--to', 'eu-west-1', '--reason', 'second']);
    expect(second.code).toBe(2);
    expect(second.stdout + second.stderr).toMatch(/is still running/);
    await planFinished(h);
    // The CLI refuses the first two itself (nothing is written); the lease holder refuses the others.
    const refused = (await h.store.audit.readAll()).filter((r) => r.phase === 'refused');
    expect(refused.map((r) => r.action)).toEqual(['request/switchover', 'request/switchover']);
    // The actor is who AWS says the caller is, never a typed name.
    expect(refused[0]!.actor).toMatch(/^arn:aws:sts::\d+:assumed-role\//);
    expect(h.deployment.sandbox.stats().dbWriter).toBe('us-west-2');
  });
});

describe('fcp drill', () => {
  it('runs the regional outage with credentials and Route 53 down, and prints only its JSON report, exiting 0 as expected', async () => {
    const result = await fcp({ configFile: join(repoRoot, 'examples/sandbox.yaml') }, ['drill', '--scenario', 'regional-outage-credentials-route53', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ scenario: 'regional-outage-credentials-route53', ok: true, problems: [], completed: true, from: 'us-east-1' });
    expect(report.happened).toMatchObject({ outcome: 'failover', route53Changes: 0, promotions: 1, routingUpdates: 1, topology: { matchesWorld: true } });
    for (const key of ['detectedAfterMs', 'decidedAfterMs', 'dbWriterAfterMs', 'trafficFlippedAfterMs', 'clientOutageMs', 'writesCommitted', 'writesLost', 'controllerOverheadMs']) {
      expect(typeof report[key], key).toBe('number');
    }
    expect(report.steps.map((s: { name: string }) => s.name)).toContain('promote-database');
    // What runbooks/drill.md promises of the text report, rendered from this very report.
    const text = renderDrill(report);
    expect(text).toContain('Drill: regional-outage-credentials-route53 — AS EXPECTED');
    expect(text).toContain('happened: failover us-east-1 -> us-west-2 (plan succeeded)');
    expect(text).toMatch(/writes lost\s+\d+/);
  });
});
