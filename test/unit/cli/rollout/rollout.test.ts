import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiClient } from '../../../../controller/api/client.js';
import { FcpError } from '../../../../kernel/errors.js';
import { LiveController } from '../../../../cli/live-controller.js';
import { orderRollout, readStacks, type RolloutStep } from '../../../../cli/rollout/plan.js';
import { runRollout, type RolloutReport } from '../../../../cli/rollout/rollout.js';
import type { Topology } from '../../../../controller/domain/types.js';
import type { Snapshot } from '../../../../controller/status.js';
import { publishHealth, startApiFixture, TOKENS, type ApiFixture, type ApiHarness } from '../../controller/api/fixture.js';
import { fcp, resetCliAfterEach } from '../in-process.js';
import { SANDBOX_REGIONS, writeSplitStacks } from './stacks.js';

/**
 * `fcp rollout` against a replica's real API and state store (the sandbox end to end is in
 * test/e2e/controller/rollout.test.ts): what it refuses before applying anything, and how it halts.
 */

resetCliAfterEach();
let fixture: ApiFixture;
let api: ApiHarness;
let url: string;
let dir: string;
const STACKS = ['sbx-shared', 'sbx-us-east-1', 'sbx-us-west-2', 'sbx-eu-west-1', 'sbx-endpoints'];

beforeAll(async () => {
  fixture = await startApiFixture();
  dir = writeSplitStacks('sbx');
});
afterAll(async () => {
  await fixture.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  api = await fixture.build();
  url = await api.app.listen({ host: '127.0.0.1', port: 0 });
  await publishHealth(api, []);
  process.env.FCP_TOKEN = TOKENS.operator;
});
afterEach(() => {
  delete process.env.FCP_TOKEN;
});

async function liveTopology(topology: Topology): Promise<void> {
  const taken = await api.store.lease.acquire('test-holder', 600_000, api.clock.now);
  if (!taken.acquired) throw new Error('lease not acquired');
  await api.store.topology.write(taken.lease, topology, 0, api.clock.now);
}

const applied = () => readdirSync(dir).filter((f) => f.startsWith('applied-'));
const rollout = (...args: string[]) =>
  fcp('rollout', '--stacks', STACKS.join(','), '--bake', '5s', '--commit', 'abc1234', '--apply', 'touch applied-{stack}', '--dir', dir, '--api', url, ...args);

describe('fcp rollout refuses before applying anything', () => {
  it.each([
    { name: 'a bake time too short', args: ['--bake', '1s'], err: /bake time 1s is out of range\n {2}- --bake: from 5s to 6h/ },
    { name: 'a bake time too long', args: ['--bake', '7h'], err: /bake time 7h is out of range/ },
    { name: 'a bake time that is not one', args: ['--bake', 'soon'], err: /bad bake time "soon"\n {2}- --bake: a duration/ },
    { name: 'an unknown stack', args: ['--stacks', 'sbx-shared,sbx-mars-1'], err: /unknown stack "sbx-mars-1"/ },
    { name: 'a commit that is not a sha', args: ['--commit', 'HEAD'], err: /bad commit "HEAD"\n {2}- --commit: the git sha being rolled out/ },
    { name: 'a pull request number in another notation', args: ['--pr', '1e3'], err: /bad pull request number "1e3"\n {2}- --pr:/ },
    { name: 'a stack name that would read as an option', args: ['--stacks', '-rf'], err: /bad stack name "-rf"/ },
    { name: 'an apply timeout out of range', args: ['--apply-timeout', '12h'], err: /bad apply timeout "12h"\n {2}- --apply-timeout: a duration from 1s to 6h/ },
    { name: 'an apply command that does not name the stack', args: ['--apply', 'pulumi up --yes'], err: /--apply: put \{stack\} where the stack name goes/ },
  ])('$name: exit 2 naming the option', async ({ args, err }) => {
    const result = await rollout(...args);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(err);
    expect(applied()).toEqual([]);
    expect(await api.store.changes.listSince(0)).toEqual([]);
  });

  it('while a failover plan runs: exit 2', async () => {
    await liveTopology({ phase: 'failing-over', primary: 'us-east-1', flips: [], sequence: 1, active: { planId: 'plan-9', operation: 'failover', mode: 'unplanned', from: 'us-east-1', to: 'us-west-2', startedAt: api.clock.now } });
    const result = await rollout();
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('refused: plan plan-9 (failover us-east-1 -> us-west-2) is running; roll out once it has finished; nothing was applied');
    expect(applied()).toEqual([]);
  });

  it('while automation is paused for an incident: exit 2', async () => {
    await liveTopology({ phase: 'steady', primary: 'us-east-1', flips: [], sequence: 0, paused: { reason: 'INC-9 database work', actor: 'alice', at: api.clock.now } });
    const result = await rollout();
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('automation is paused by alice (INC-9 database work)');
    expect(applied()).toEqual([]);
  });

  it('when the shared stack names another writer than the live controller: exit 2, pointing at fcp infra topology', async () => {
    await liveTopology({ phase: 'failed-over', primary: 'us-west-2', lostPrimary: 'us-east-1', flips: [], sequence: 1 });
    const result = await rollout();
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Pulumi.sbx-shared.yaml says the writer is us-east-1 but the live controller says us-west-2; run `fcp infra topology --stack Pulumi.sbx-shared.yaml --write`');
    expect(applied()).toEqual([]);
  });

  it('when a region it changes is failing already: exit 2', async () => {
    await publishHealth(api, ['eu-west-1']);
    const result = await rollout();
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/refused: eu-west-1 failed: .*a rollout needs every region it changes healthy before it starts/);
    expect(applied()).toEqual([]);
  });

  it('when the controller cannot be reached: exit 1', async () => {
    const result = await fcp('rollout', '--stacks', STACKS.join(','), '--bake', '5s', '--commit', 'abc1234', '--apply', 'touch applied-{stack}', '--dir', dir, '--api', 'http://127.0.0.1:9');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cannot reach the controller API at http://127.0.0.1:9');
    expect(applied()).toEqual([]);
  });
});

describe('a rollout', () => {
  const BAKE_MS = 600;
  let steps: RolloutStep[];
  beforeEach(() => {
    steps = orderRollout(readStacks(dir, STACKS), { primary: 'us-east-1', regions: [...SANDBOX_REGIONS] });
  });

  const run = (applyStep: (step: RolloutStep) => Promise<number>, rollback = false) => {
    const lines: string[] = [];
    // The replica's clock moves a second per stack (changes are kept in start order), its verdicts with it.
    const apply = async (step: RolloutStep) => {
      api.clock.now += 1000;
      await publishHealth(api, []);
      return applyStep(step);
    };
    const live = new LiveController(new ApiClient({ baseUrl: url, token: TOKENS.operator }));
    const report = runRollout(
      { id: 'rollout-test', steps, commit: 'abc1234def', pr: 7, bakeMs: BAKE_MS, pollMs: 50, apply, rollback },
      { live, now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)), progress: (line) => lines.push(line) },
    );
    return { report, lines };
  };

  it('applies every stack in order, each registered with the controller and baked', async () => {
    const order: string[] = [];
    const { report } = run(async (step) => (order.push(step.stack), 0));
    const done = await report;
    expect(done.status).toBe('done');
    expect(order).toEqual(['sbx-shared', 'sbx-us-west-2', 'sbx-eu-west-1', 'sbx-us-east-1', 'sbx-endpoints']);
    const changes = await api.store.changes.listSince(0);
    expect(changes.map((c) => [c.stack, c.regions.join(','), c.outcome, c.rollout, c.pr])).toEqual([
      ['sbx-shared', 'us-east-1,us-west-2,eu-west-1', 'applied', 'rollout-test', 7],
      ['sbx-us-west-2', 'us-west-2', 'applied', 'rollout-test', 7],
      ['sbx-eu-west-1', 'eu-west-1', 'applied', 'rollout-test', 7],
      ['sbx-us-east-1', 'us-east-1', 'applied', 'rollout-test', 7],
      ['sbx-endpoints', 'us-east-1,us-west-2,eu-west-1', 'applied', 'rollout-test', 7],
    ]);
  });

  it('halts within the bake of the stack that broke its region, leaving the primary and the rest untouched', async () => {
    const order: string[] = [];
    const { report } = run(async (step) => {
      order.push(step.stack);
      if (step.stack === 'sbx-eu-west-1') await publishHealth(api, ['eu-west-1']);
      return 0;
    });
    const halted = (await report) as Exclude<RolloutReport, { status: 'done' }>;
    expect(halted).toMatchObject({ status: 'halted', stack: 'sbx-eu-west-1', region: 'eu-west-1', untouched: ['sbx-us-east-1', 'sbx-endpoints'] });
    expect(halted.applied.map((a) => a.stack)).toEqual(['sbx-shared', 'sbx-us-west-2', 'sbx-eu-west-1']);
    expect(halted.detectedAfterMs).toBeLessThan(BAKE_MS);
    expect(halted.reason).toMatch(/^eu-west-1 failed: .* into the bake of sbx-eu-west-1$/);
    expect(order).toEqual(['sbx-shared', 'sbx-us-west-2', 'sbx-eu-west-1']);
    // The controller knows which change reached the failing region.
    const status = (await api.app.inject({ method: 'GET', url: '/v1/status', headers: { authorization: `Bearer ${TOKENS.viewer}` } })).json<Snapshot>();
    expect(status.changeNotes.map((n) => n.text)).toEqual(['eu-west-1 failing 1s after change abc1234 to eu-west-1 (stack sbx-eu-west-1, PR #7, rollout rollout-test)']);
  });

  it('stops at a failed apply: that change is recorded as failed and nothing after it runs', async () => {
    const order: string[] = [];
    const { report } = run(async (step) => (order.push(step.stack), step.stack === 'sbx-us-west-2' ? 3 : 0));
    expect(await report).toMatchObject({ status: 'failed', stack: 'sbx-us-west-2', reason: 'applying sbx-us-west-2 failed (exit 3)', untouched: ['sbx-eu-west-1', 'sbx-us-east-1', 'sbx-endpoints'] });
    expect(order).toEqual(['sbx-shared', 'sbx-us-west-2']);
    expect((await api.store.changes.listSince(0)).map((c) => c.outcome)).toEqual(['applied', 'failed']);
  });

  it('does not apply a change the controller did not register, and reports why', async () => {
    const order: string[] = [];
    const client = new ApiClient({ baseUrl: url, token: TOKENS.operator });
    const post = client.post.bind(client);
    let registrations = 0;
    client.post = (async (path: string, body: unknown) => {
      if (path === '/v1/changes' && ++registrations === 2) throw new Error('503 from the replica');
      return post(path, body as never);
    }) as typeof client.post;
    const report = await runRollout(
      { id: 'rollout-test', steps, commit: 'abc1234def', bakeMs: BAKE_MS, pollMs: 50, rollback: false, apply: async (step) => (order.push(step.stack), 0) },
      { live: new LiveController(client), now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)), progress: () => undefined },
    );
    expect(report).toMatchObject({ status: 'failed', stack: 'sbx-us-west-2', untouched: ['sbx-us-west-2', 'sbx-eu-west-1', 'sbx-us-east-1', 'sbx-endpoints'] });
    expect((report as Exclude<RolloutReport, { status: 'done' }>).reason).toMatch(/did not register the change to sbx-us-west-2, so it was not applied: .*503 from the replica/);
    expect(order).toEqual(['sbx-shared']);
  });

  it('rides out a short API outage when recording a change as finished, under one idempotency key: the change is recorded once', async () => {
    const client = new ApiClient({ baseUrl: url, token: TOKENS.operator });
    const post = client.post.bind(client);
    const keys: string[] = [];
    client.post = (async (path: string, body: unknown, key?: string) => {
      if (path.endsWith('/finish') && keys.push(key!) === 1) throw new FcpError('the controller API did not answer', { transient: true });
      return post(path, body as never, key);
    }) as typeof client.post;
    const report = await runRollout(
      { id: 'rollout-test', steps: steps.slice(0, 1), commit: 'abc1234def', bakeMs: BAKE_MS, pollMs: 50, rollback: false, apply: async () => 0 },
      { live: new LiveController(client), now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)), progress: () => undefined },
    );
    expect(report).toMatchObject({ status: 'done', applied: [{ stack: 'sbx-shared' }] });
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect((await api.store.changes.listSince(0)).map((c) => c.outcome)).toEqual(['applied']);
  });

  it('halts when a failover starts during a bake', async () => {
    const { report } = run(async (step) => {
      if (step.stack === 'sbx-us-west-2') await liveTopology({ phase: 'failing-over', primary: 'us-east-1', flips: [], sequence: 1, active: { planId: 'plan-3', operation: 'failover', mode: 'unplanned', from: 'us-east-1', to: 'eu-west-1', startedAt: api.clock.now } });
      return 0;
    });
    expect(await report).toMatchObject({ status: 'halted', stack: 'sbx-us-west-2', reason: expect.stringContaining('plan plan-3 (failover us-east-1 -> eu-west-1) started') });
  });

  it('a rollback applies into a failing region and succeeds once the region is healthy at the end of its bake', async () => {
    steps = orderRollout(readStacks(dir, ['sbx-eu-west-1']), { primary: 'us-east-1', regions: [...SANDBOX_REGIONS] });
    await publishHealth(api, ['eu-west-1']);
    const fixed = run(async () => 0, true);
    // The wrapper above republishes every region healthy at each apply: the rollback repaired it.
    expect(await fixed.report).toMatchObject({ status: 'done', applied: [{ stack: 'sbx-eu-west-1' }] });
  });

  it('a rollback that leaves its region failing halts at the end of its bake, naming the region', async () => {
    steps = orderRollout(readStacks(dir, ['sbx-eu-west-1']), { primary: 'us-east-1', regions: [...SANDBOX_REGIONS] });
    const broken = run(async () => (await publishHealth(api, ['eu-west-1']), 0), true);
    expect(await broken.report).toMatchObject({ status: 'halted', region: 'eu-west-1', reason: expect.stringMatching(/^eu-west-1 is failed at the end of the bake of sbx-eu-west-1: /) });
  });
});

describe('fcp rollout --rollback', () => {
  it('starts while the region it repairs is failing and automation is paused, and applies', async () => {
    await liveTopology({ phase: 'steady', primary: 'us-east-1', flips: [], sequence: 0, paused: { reason: 'INC-9 bad change', actor: 'alice', at: api.clock.now } });
    await publishHealth(api, ['eu-west-1']);
    const result = await fcp('rollout', '--rollback', '--stacks', 'sbx-eu-west-1', '--bake', '5s', '--commit', 'fedcba9', '--apply', 'touch applied-{stack}', '--dir', dir, '--api', url, '--json');
    expect(applied()).toEqual(['applied-sbx-eu-west-1']);
    // The sandbox replica's verdicts here never change: eu-west-1 is still failing when the bake ends.
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'halted', rollout: expect.stringMatching(/^rollback-/), region: 'eu-west-1' });
    rmSync(join(dir, 'applied-sbx-eu-west-1'));
  });
});
