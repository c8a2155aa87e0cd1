import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSplitStacks } from '../../unit/cli/rollout/stacks.js';
import { baseConfig, fcp, holder, repoRoot, startHarness, steady, until, type Harness } from './deployment.js';

/**
 * A progressive rollout against the sandbox and three replicas, through the controller's API, the
 * production adapters unchanged. No Pulumi CLI runs here: the apply command stands in for `pulumi
 * up`, and the "change" to eu-west-1 is a sandbox fault that cuts that region's app off its
 * database (the network change of the postmortem). Measured: how many regions the bad change
 * reached, and how long after its apply the rollout halted.
 */

const COMMIT = 'abc1234def5678';
const BAKE_MS = 6_000;
const STACKS = ['sbx-shared', 'sbx-us-east-1', 'sbx-us-west-2', 'sbx-eu-west-1', 'sbx-endpoints'];
const OPERATOR = { FCP_TOKEN: 'operator-demo' };

let h: Harness;
let dir: string;
let api: string;

beforeAll(async () => {
  const config = baseConfig();
  // A planned switchover that takes long enough to find it running (the second test).
  config.sandbox = { ...config.sandbox!, switchoverBase: 30_000 };
  h = await startHarness(config);
  await steady(h);
  dir = writeSplitStacks('sbx');
  api = h.deployment.apiUrls.get('us-west-2')!;
});
afterAll(async () => {
  await h?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const applied = () => readdirSync(dir).filter((f) => f.startsWith('applied-')).sort();
const rollout = (apply: string) =>
  fcp(h, ['rollout', '--stacks', STACKS.join(','), '--bake', `${BAKE_MS / 1000}s`, '--commit', COMMIT, '--pr', '42', '--apply', apply, '--dir', dir, '--api', api, '--json'], OPERATOR, false);

describe('fcp rollout against the sandbox', () => {
  it('halts a change that breaks the second region within its bake, before the primary; the controller names the change', async () => {
    // The stand-in for `pulumi up`: every stack records that it was applied; the eu-west-1 stack's change breaks eu-west-1.
    const breakEuWest1 = `node ${join(repoRoot, 'bin/fcp.js')} sandbox fault db-cut --region eu-west-1 --config ${h.configFile}`;
    const result = await rollout(`touch applied-{stack} && if [ "{stack}" = sbx-eu-west-1 ]; then ${breakEuWest1}; fi`);
    expect(result.code, result.stderr).toBe(1);
    const report = JSON.parse(result.stdout) as { status: string; stack: string; region: string; change: string; detectedAfterMs: number; applied: { stack: string }[]; untouched: string[]; rollout: string };
    expect(report).toMatchObject({ status: 'halted', stack: 'sbx-eu-west-1', region: 'eu-west-1', untouched: ['sbx-us-east-1', 'sbx-endpoints'] });
    expect(report.applied.map((a) => a.stack)).toEqual(['sbx-shared', 'sbx-us-west-2', 'sbx-eu-west-1']);

    // Target: the bad change reached one region (the primary's and the endpoints' stacks never ran), within one bake period.
    expect(applied()).toEqual(['applied-sbx-eu-west-1', 'applied-sbx-shared', 'applied-sbx-us-west-2']);
    expect(report.detectedAfterMs).toBeLessThan(BAKE_MS);
    // The rollout read the API, which assesses the store's summaries at the call; the holder's own
    // assessment is from its last tick, so on a loaded machine it may see the failure a tick later.
    const troubled = () => Object.values(holder(h)?.replica.status().assessment?.verdicts ?? {}).filter((v) => v.health !== 'healthy').map((v) => v.region);
    await until('the lease holder seeing eu-west-1 troubled', () => troubled().includes('eu-west-1'));
    expect(troubled()).toEqual(['eu-west-1']);
    console.info(`measured: the bad change reached 1 region; the rollout halted ${report.detectedAfterMs} ms after its apply (bake ${BAKE_MS} ms)`);

    // The controller's decision, its status and `fcp status` name the change to the failing region.
    const named = new RegExp(`eu-west-1 failing since [\\d.]+m?s after change abc1234 to eu-west-1 \\(stack sbx-eu-west-1, PR #42, rollout ${report.rollout}\\)`);
    await until('a decision naming the change', () => h.decisions.some((d) => named.test(d.decision.reason)));
    const status = await fcp(h, ['status', '--region', 'us-west-2']);
    expect(status.stdout).toMatch(new RegExp(`eu-west-1 failing [\\d.]+m?s after change abc1234 to eu-west-1 \\(stack sbx-eu-west-1, PR #42, rollout ${report.rollout}\\)`));
    expect(status.stdout).toContain('Recent infrastructure changes:');
    // The primary did not move: a failing standby is no reason to.
    expect((await h.store.topology.read())?.topology.primary).toBe('us-east-1');
    const audited = (await h.store.audit.readAll()).filter((r) => r.action === 'api/changes' && r.phase === 'result');
    expect(audited).toHaveLength(3);
  });

  it('refuses to start while a failover plan runs, and applies nothing', async () => {
    h.deployment.sandbox.faults.clear();
    await steady(h);
    rmSync(dir, { recursive: true, force: true });
    dir = writeSplitStacks('sbx');
    await h.store.commands.submit({ kind: 'switchover', id: `switchover-rollout-${Date.now()}`, to: 'us-west-2', reason: 'planned, during a rollout test', actor: 'e2e', at: Date.now() }, Date.now());
    await until('a running plan', async () => (await h.store.topology.read())?.topology.active !== undefined);

    const result = await rollout('touch applied-{stack}');
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/refused: plan \S+ \(switchover us-east-1 -> us-west-2\) is running; roll out once it has finished; nothing was applied/);
    expect(applied()).toEqual([]);
  });
});
