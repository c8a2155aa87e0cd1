import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Topology } from '../../../../controller/domain/types.js';
import type { DynamoStateStore } from '../../../../controller/store/dynamo-store.js';
import { startApiFixture, TOKENS, type ApiFixture, type ApiHarness } from '../../controller/api/fixture.js';
import { fcp, resetCliAfterEach } from '../in-process.js';
import { writeSplitStacks } from '../rollout/stacks.js';

/**
 * `fcp infra topology`: the stack setting for the writer region, rendered from the live controller
 * through a replica's API, and checked by the deploy job before `pulumi up`.
 */

resetCliAfterEach();
const EXAMPLE = new URL('../../../../Pulumi.example.yaml', import.meta.url).pathname;
let fixture: ApiFixture;
let api: ApiHarness;
let url: string;
let scratch: string;
let stackFile: string;

beforeAll(async () => {
  fixture = await startApiFixture();
  api = await fixture.build();
  url = await api.app.listen({ host: '127.0.0.1', port: 0 });
  scratch = mkdtempSync(join(tmpdir(), 'fcp-topology-'));
});
afterAll(async () => {
  await fixture.close();
  rmSync(scratch, { recursive: true, force: true });
});
beforeEach(() => {
  process.env.FCP_TOKEN = TOKENS.operator;
  stackFile = join(scratch, `Pulumi.prod-${Date.now()}.yaml`);
  writeFileSync(stackFile, readFileSync(EXAMPLE, 'utf8'));
});
afterEach(() => {
  delete process.env.FCP_TOKEN;
});

let version = 0;
/** Writes the controller's topology as the lease holder would. */
async function liveTopology(store: DynamoStateStore, topology: Topology): Promise<void> {
  const now = api.clock.now;
  const taken = await store.lease.acquire('test-holder', 600_000, now);
  if (!taken.acquired) throw new Error('lease not acquired');
  await store.topology.write(taken.lease, topology, version, now);
  version += 1;
}

const failedOverTo = (primary: string, extra: Partial<Topology> = {}): Topology => ({ phase: 'failed-over', primary, lostPrimary: 'us-east-1', flips: [api.clock.now - 60_000], sequence: 1, ...extra });
const topology = (...args: string[]) => fcp('infra', 'topology', '--stack', stackFile, '--api', url, ...args);

describe('fcp infra topology', () => {
  it('after a failover: --check refuses (exit 2), --write updates the file keeping its comments, then --check passes', async () => {
    await liveTopology(api.store, failedOverTo('us-west-2'));
    const before = readFileSync(stackFile, 'utf8');

    const checked = await topology('--check');
    expect(checked.code).toBe(2);
    expect(checked.stderr).toContain(`says the writer is us-east-1 but the live controller says us-west-2`);
    expect(checked.stderr).toContain(`fcp infra topology --stack ${stackFile} --write`);
    expect(readFileSync(stackFile, 'utf8')).toBe(before);

    const shown = await topology();
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('writerRegion: us-west-2');
    expect(readFileSync(stackFile, 'utf8')).toBe(before);

    const written = await topology('--write', '--json');
    expect(written.code, written.stderr).toBe(0);
    expect(JSON.parse(written.stdout)).toMatchObject({ writerRegion: 'us-west-2', stackSays: 'us-east-1', upToDate: false, written: true });
    const after = readFileSync(stackFile, 'utf8');
    expect(after).toMatch(/\n {4}writerRegion: us-west-2\n/);
    expect(after).toContain('# Where the global database is created and where traffic goes first.');
    expect(after.replace(/\n {4}writerRegion: us-west-2/, '')).toBe(before);

    const again = await topology('--check');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('writerRegion us-west-2 matches the live controller');

    // A failback: the value is replaced where it stands.
    await liveTopology(api.store, { phase: 'steady', primary: 'us-east-1', flips: [], sequence: 2 });
    expect((await topology('--write')).stdout).toContain('writerRegion us-west-2 -> us-east-1; commit the file');
    expect(readFileSync(stackFile, 'utf8')).toBe(after.replace('writerRegion: us-west-2', 'writerRegion: us-east-1'));
  });

  it('refuses while a failover plan moves the writer (exit 2, file unchanged)', async () => {
    await liveTopology(api.store, failedOverTo('us-east-1', { phase: 'failing-over', active: { planId: 'plan-7', operation: 'failover', mode: 'unplanned', from: 'us-east-1', to: 'us-west-2', startedAt: api.clock.now } }));
    const before = readFileSync(stackFile, 'utf8');
    const result = await topology('--write');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('plan plan-7 (failover us-east-1 -> us-west-2) is running');
    expect(readFileSync(stackFile, 'utf8')).toBe(before);
  });

  it('refuses a writer that is not a region of the stack (exit 2)', async () => {
    await liveTopology(api.store, failedOverTo('eu-west-1'));
    const result = await topology('--check');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('the live controller\'s writer eu-west-1 is not a region of');
    expect(result.stderr).toContain('--stack: ');
  });

  it.each([
    { name: 'no --api', args: () => ['infra', 'topology', '--stack', stackFile], code: 2, err: /--api: the API URL of any replica/ },
    { name: 'a missing stack file', args: () => ['infra', 'topology', '--stack', join(scratch, 'nope.yaml'), '--api', url], code: 2, err: /cannot read stack file .*nope\.yaml: no such file/ },
    { name: '--write with --check', args: () => ['infra', 'topology', '--stack', stackFile, '--api', url, '--write', '--check'], code: 2, err: /--write and --check exclude each other/ },
    // Nothing listens on port 9 of loopback: the controller cannot be reached.
    { name: 'an unreachable controller', args: () => ['infra', 'topology', '--stack', stackFile, '--api', 'http://127.0.0.1:9', '--check'], code: 1, err: /cannot reach the controller API at http:\/\/127\.0\.0\.1:9/ },
  ])('$name: exit $code, file unchanged', async ({ args, code, err }) => {
    const before = readFileSync(stackFile, 'utf8');
    const result = await fcp(...args());
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(err);
    expect(readFileSync(stackFile, 'utf8')).toBe(before);
  });
});

describe('fcp infra topology in the split layout', () => {
  it('a region stack leads to its shared stack, where writerRegion lives', async () => {
    const dir = writeSplitStacks('split');
    try {
      await liveTopology(api.store, failedOverTo('us-west-2'));
      const shared = join(dir, 'Pulumi.split-shared.yaml');
      const checked = await fcp('infra', 'topology', '--stack', join(dir, 'Pulumi.split-eu-west-1.yaml'), '--api', url, '--check');
      expect(checked.code).toBe(2);
      expect(checked.stderr).toContain(`${shared} says the writer is us-east-1 but the live controller says us-west-2`);
      expect((await fcp('infra', 'topology', '--stack', join(dir, 'Pulumi.split-eu-west-1.yaml'), '--api', url, '--write')).code).toBe(0);
      expect(readFileSync(shared, 'utf8')).toMatch(/\n {4}writerRegion: us-west-2\n/);
      expect((await fcp('infra', 'topology', '--stack', join(dir, 'Pulumi.split-endpoints.yaml'), '--api', url, '--check')).code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
