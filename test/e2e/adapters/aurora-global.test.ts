import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../controller/config/load.js';
import type { Config } from '../../../controller/config/schema.js';
import { RefusedError } from '../../../kernel/errors.js';
import { buildProviders, type Providers } from '../../../controller/wiring.js';
import type { StepBudget } from '../../../controller/ports.js';
import { createCloudWatchEmulator } from '../../../sandbox/rds/cloudwatch.js';
import { createRdsEmulator, type RdsEmulator } from '../../../sandbox/rds/index.js';
import { startSandbox } from '../../../sandbox/up.js';
import { eventually, sandboxConfig, serve, TestFaults } from './fixture.js';

/**
 * The production Aurora global adapter against the sandbox's RDS and CloudWatch emulators on
 * loopback: the same wire protocols, errors and timings as AWS, shortened.
 */
describe('AuroraGlobalDatabase against the sandbox RDS and CloudWatch', () => {
  const faults = new TestFaults();
  let rds: RdsEmulator;
  let stopCloudWatch: () => void;
  let closers: Array<() => Promise<void>> = [];
  let providers: Providers;
  const budget = (ms = 10_000): StepBudget => ({ deadlineAt: Date.now() + ms });
  const policy = { rpoBudgetMs: 5000 };

  beforeAll(async () => {
    const base = sandboxConfig();
    rds = createRdsEmulator({ faults, replicationLagMs: 40, switchoverBaseMs: 300, failoverBaseMs: 200, tickMs: 10 });
    rds.seedGlobalDatabase({
      globalClusterIdentifier: base.database.globalClusterIdentifier,
      writerRegion: 'us-east-1',
      clusters: {
        'us-east-1': base.database.clusters['us-east-1']!,
        'us-west-2': base.database.clusters['us-west-2']!,
        'eu-west-1': { ...base.database.clusters['eu-west-1']!, instances: 0 },
      },
    });
    const cloudWatch = createCloudWatchEmulator({ faults, rds: rds as never, sampleMs: 25 });
    stopCloudWatch = () => cloudWatch.stop();
    const rdsServer = await serve(rds.handle);
    const cwServer = await serve(cloudWatch.handle);
    closers = [rdsServer.close, cwServer.close];
    const everyRegion = (url: string) => Object.fromEntries(base.regions.map((r) => [r.name, url]));
    const config: Config = {
      ...base,
      aws: {
        ...base.aws,
        endpoints: { ...base.aws.endpoints, rds: everyRegion(rdsServer.url), cloudwatch: everyRegion(cwServer.url) },
        connectTimeout: 200,
        requestTimeout: 500,
        retry: { base: 10, cap: 50, maxAttempts: 3 },
      },
    };
    // The replica in us-west-2: global-cluster reads go there first, then to the other regions.
    providers = buildProviders(config, { replicaRegion: 'us-west-2' });
  });

  afterAll(async () => {
    await providers.close();
    rds.stop();
    stopCloudWatch();
    await Promise.all(closers.map((close) => close()));
  });

  it('reads the writer, reachability and each secondary lag from CloudWatch', async () => {
    const status = await eventually(async () => {
      const current = await providers.database.status(budget());
      return current.lagMs['us-west-2'] !== undefined && current.lagMs['eu-west-1'] !== undefined ? current : undefined;
    });
    expect(status).toMatchObject({ writerRegion: 'us-east-1', transitioning: false, writerReachable: true });
    expect(Object.keys(status.lagMs).sort()).toEqual(['eu-west-1', 'us-west-2']);
    expect(status.lagMs['us-west-2']).toBeLessThan(policy.rpoBudgetMs);
  });

  it('reports readiness: a replicating secondary is ready, a headless one is not', async () => {
    const ready = await providers.database.readiness('us-west-2', budget());
    expect(ready.map((c) => [c.type, c.status])).toEqual([
      ['DatabaseTargetMember', 'true'],
      ['DatabaseTargetReplicating', 'true'],
      ['DatabaseTargetHasInstances', 'true'],
    ]);
    const headless = await providers.database.readiness('eu-west-1', budget());
    expect(headless.find((c) => c.type === 'DatabaseTargetHasInstances')).toMatchObject({ status: 'false', reason: 'Headless' });
  });

  it('switches over (planned), is idempotent while in progress and once done', async () => {
    const started = await providers.database.promote('us-west-2', 'planned', policy, budget());
    expect(started).toMatchObject({ changed: true, operation: 'switchover' });
    const again = await providers.database.promote('us-west-2', 'planned', policy, budget());
    expect(again).toMatchObject({ changed: false, operation: 'none' });
    expect(again.detail).toContain('already in progress');

    const status = await providers.database.waitForWriter('us-west-2', budget());
    expect(status).toMatchObject({ writerRegion: 'us-west-2', transitioning: false });
    expect(rds.writerRegion('auth-global')).toBe('us-west-2');
    const done = await providers.database.promote('us-west-2', 'planned', policy, budget());
    expect(done).toMatchObject({ changed: false, operation: 'none', detail: 'us-west-2 is already the writer' });
  });

  it('with the writer region down: refuses a planned switchover and a failover over budget, fails over within it', async () => {
    await eventually(async () => ((await providers.database.status(budget())).lagMs['us-east-1'] !== undefined ? true : undefined));
    faults.down.add('us-west-2');
    try {
      const status = await providers.database.status(budget());
      expect(status).toMatchObject({ writerRegion: 'us-west-2', writerReachable: false });

      await expect(providers.database.promote('us-east-1', 'planned', policy, budget())).rejects.toBeInstanceOf(RefusedError);
      // A budget that no lag can meet.
      const overBudget = await providers.database.promote('us-east-1', 'unplanned', { rpoBudgetMs: -1 }, budget()).catch((error: unknown) => error);
      expect(overBudget).toBeInstanceOf(RefusedError);
      expect((overBudget as Error).message).toContain('not within the RPO budget');

      const failover = await providers.database.promote('us-east-1', 'unplanned', policy, budget());
      expect(failover).toMatchObject({ changed: true, operation: 'failover' });
      const after = await providers.database.waitForWriter('us-east-1', budget());
      expect(after.writerRegion).toBe('us-east-1');
    } finally {
      faults.down.delete('us-west-2');
    }
  });

  it.each([
    ['expired credentials: terminal at once, no retry', { kind: 'expired-token' } as const, { code: 'ExpiredToken', transient: false }],
    ['a hanging API: every attempt times out, then the budget ends', { kind: 'hang' } as const, { name: 'RetryBudgetExhaustedError', transient: true }],
  ])('fails a status read on %s', async (_label, fault, expected) => {
    faults.api.set('rds', fault);
    try {
      await expect(providers.database.status(budget())).rejects.toMatchObject(expected);
    } finally {
      faults.api.delete('rds');
    }
  });

  it("with the writer's region hanging, a status read ends (its writer check bounded by detection.writerTimeout) and says the writer does not answer", async () => {
    await providers.database.status(budget());
    faults.hung.add('us-east-1');
    try {
      const started = Date.now();
      const status = await providers.database.status(budget());
      expect(status).toMatchObject({ writerRegion: 'us-east-1', writerReachable: false });
      expect(status.lagMs['us-west-2']).toBeDefined();
      console.info(`measured: a status read with the writer's region hanging ended after ${Date.now() - started} ms (writer timeout ${sandboxConfig().detection.writerTimeout} ms)`);
    } finally {
      faults.hung.delete('us-east-1');
    }
  });

  it('gives up waiting for a writer that never comes, at the deadline', async () => {
    const failure = await providers.database.waitForWriter('us-west-2', budget(1500)).catch((error: unknown) => error);
    expect(failure).toMatchObject({ name: 'TimeoutError', transient: true });
  });
});

describe('a config that names the global database in capitals, against the whole sandbox', () => {
  it('finds the writer, reads the lag and proves the target ready, as against RDS, which stores identifiers in lower case', async () => {
    const raw = JSON.parse(JSON.stringify(sandboxConfig())) as { database: { globalClusterIdentifier: string; clusters: Record<string, { arn: string }> } };
    raw.database.globalClusterIdentifier = 'Auth-Global';
    // `...:cluster:auth-us-east-1` -> `...:cluster:Auth-US-EAST-1`
    for (const cluster of Object.values(raw.database.clusters)) cluster.arn = cluster.arn.replace(/cluster:auth-(.+)$/, (_, rest: string) => `cluster:Auth-${rest.toUpperCase()}`);
    const dataDir = await mkdtemp(join(tmpdir(), 'fcp-case-'));
    const sandbox = await startSandbox(parseConfig(raw), { ephemeralPorts: true, dataDir });
    const providers = buildProviders(sandbox.config, { replicaRegion: 'us-west-2' });
    try {
      const status = await eventually(async () => {
        const current = await providers.database.status({ deadlineAt: Date.now() + 5000 });
        return current.lagMs['us-west-2'] !== undefined ? current : undefined;
      });
      expect(status).toMatchObject({ writerRegion: 'us-east-1', writerReachable: true });
      const ready = await providers.database.readiness('us-west-2', { deadlineAt: Date.now() + 5000 });
      expect(ready.map((c) => [c.type, c.status])).toEqual([['DatabaseTargetMember', 'true'], ['DatabaseTargetReplicating', 'true'], ['DatabaseTargetHasInstances', 'true']]);
    } finally {
      await providers.close();
      await sandbox.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
