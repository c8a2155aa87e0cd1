import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as renderConfig } from '../../../infra/tools/render-config.js';
import { main } from '../../../infra/tools/synth.js';
import { TWO_REGION_STACK } from '../fixtures.js';

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'fcp-synth-'));
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

async function synth(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const write = (name: string, text: string) => {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
};

describe('infra:synth bad input (exit 2, nothing synthesized)', () => {
  it.each([
    { name: 'no --stack', argv: () => [], err: /required option '--stack <file>' not specified/ },
    { name: 'a missing stack file', argv: () => ['--stack', join(scratch, 'Pulumi.nope.yaml')], err: /cannot read stack file .*Pulumi\.nope\.yaml: no such file/ },
    { name: 'a stack file that is not YAML', argv: () => ['--stack', write('bad.yaml', 'config: [unclosed\n')], err: /is not valid YAML/ },
    { name: 'a stack file without settings', argv: () => ['--stack', write('empty.yaml', 'config:\n  aws:region: us-east-1\n')], err: /has no `config\.fcp:deployment`/ },
    {
      name: 'invalid settings',
      argv: () => ['--stack', write('invalid.yaml', readFileSync(TWO_REGION_STACK, 'utf8').replace('primaryRegion: eu-west-1', 'primaryRegion: ap-south-1').replace('ttl: 30', 'ttl: 300'))],
      err: /is invalid \(2 problems\)\n {2}- traffic\.ttl: [^\n]*\n {2}- primaryRegion: "ap-south-1" is not among the regions/,
    },
    { name: 'a base inventory that is not JSON', argv: () => ['--stack', TWO_REGION_STACK, '--diff', write('base.txt', 'resources')], err: /base inventory .* is not JSON/ },
    { name: 'a base inventory of the wrong shape', argv: () => ['--stack', TWO_REGION_STACK, '--diff', write('base.json', '{"resources":[{"type":"x"}]}')], err: /resources\[0\]\.name: is required/ },
  ])('$name', async ({ argv, err }) => {
    const result = await synth(...argv());
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.err).toMatch(err);
  });
});

describe('infra:synth', () => {
  let inventoryJson: string;

  it('prints the inventory as JSON, writes the outputs and reports the policy guard', async () => {
    const outputsFile = join(scratch, 'outputs.json');
    const result = await synth('--stack', TWO_REGION_STACK, '--json', '--outputs', outputsFile);
    expect(result.code).toBe(0);
    inventoryJson = result.out;
    const inventory = JSON.parse(inventoryJson) as { resources: Record<string, unknown>[] };
    expect(Object.keys(inventory)).toEqual(['resources']);
    for (const resource of inventory.resources) expect(Object.keys(resource)).toEqual(['type', 'name', 'region', 'props']);
    expect(inventory.resources).toContainEqual(expect.objectContaining({ type: 'aws:rds/globalCluster:GlobalCluster', name: 'auth-eu-db-global', region: 'eu-west-1' }));
    expect(result.err).toMatch(/^policy guard: passed \(8 rules, \d+ resources\)$/);
    // The outputs render the controller config a reviewer can read, offline.
    const rendered: string[] = [];
    expect(renderConfig([outputsFile], { out: (t) => rendered.push(t), err: (t) => rendered.push(t) })).toBe(0);
    expect(rendered.join('\n')).toMatch(/^name: auth-eu$/m);
  }, 30_000);

  it('prints what a change adds, removes and modifies against a saved inventory', async () => {
    const base = write('base-inventory.json', inventoryJson);
    const changed = write('Pulumi.changed.yaml', readFileSync(TWO_REGION_STACK, 'utf8').replace('ttl: 30', 'ttl: 20').replace('instancesPerRegion: 1', 'instancesPerRegion: 2'));
    const result = await synth('--stack', changed, '--diff', base);
    expect(result.code).toBe(0);
    expect(result.out.split('\n')).toEqual([
      '+ aws:rds/clusterInstance:ClusterInstance  auth-eu-db-eu-west-1-2  (eu-west-1)',
      '+ aws:rds/clusterInstance:ClusterInstance  auth-eu-db-us-east-1-2  (us-east-1)',
      '~ aws:route53/record:Record  auth-eu-traffic-eu-west-1  (us-east-1)',
      '    ttl: 30 -> 20',
      '~ aws:route53/record:Record  auth-eu-traffic-us-east-1  (us-east-1)',
      '    ttl: 30 -> 20',
      '2 to add, 0 to remove, 2 to modify',
    ]);
  }, 30_000);
});
