import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkInventory } from '../../infra/policy/guard.js';
import type { InventoryResource } from '../../infra/synth/inventory.js';
import { LayoutSynth, synthesizeDeployment, type StackSynthesis } from '../../infra/synth/layout.js';
import { synthesize, type Synthesis } from '../../infra/synth/synthesize.js';
import { exampleSettings, ROOT, THREE_REGION_STACK } from './fixtures.js';

/**
 * The split layout: a shared stack, one stack per region and an endpoints stack, each with its own
 * settings file (Pulumi.example-split-*.yaml), declare exactly what the one-stack example declares,
 * under the same names, and no stack reads one that reads it.
 */

const SPLIT = (tier: string) => `${ROOT}Pulumi.example-split-${tier}.yaml`;
const REGIONS = ['us-east-1', 'us-east-2', 'us-west-2'];

let whole: Synthesis;
let split: Awaited<ReturnType<typeof synthesizeDeployment>>;
const stack = (name: string): StackSynthesis => {
  const found = split.stacks.find((s) => s.name === `example-split-${name}`);
  if (!found) throw new Error(`no stack ${name}`);
  return found;
};
const regionsOf = (resources: InventoryResource[]) => [...new Set(resources.map((r) => r.region))].sort();
const typesOf = (s: StackSynthesis) => new Set(s.inventory.resources.map((r) => r.type));

beforeAll(async () => {
  whole = await synthesize(exampleSettings(THREE_REGION_STACK));
  split = await synthesizeDeployment(SPLIT('us-east-2'));
}, 120_000);

describe('the split example', () => {
  it('declares the same resources as the one-stack example, with the same names, regions and properties', () => {
    expect(split.inventory.resources.length).toBe(whole.inventory.resources.length);
    expect(split.inventory).toEqual(whole.inventory);
  });

  it('has the same outputs in its endpoints stack as the one-stack example (the controller config renders from them)', () => {
    expect(split.outputs).toEqual(whole.outputs);
  });

  it('synthesizes every stack once, each after the stacks it reads', () => {
    expect(split.stacks.map((s) => s.name)).toEqual(['example-split-shared', 'example-split-us-east-1', 'example-split-us-east-2', 'example-split-us-west-2', 'example-split-endpoints']);
    expect(split.stacks.map((s) => s.tier)).toEqual(['shared', 'region', 'region', 'region', 'endpoints']);
  });

  it('keeps each region\'s stack to its region: its network, its cluster member, its controller', () => {
    for (const region of REGIONS) {
      const own = stack(region);
      expect(regionsOf(own.inventory.resources)).toEqual([region]);
      expect(own.inventory.resources.filter((r) => r.type === 'aws:rds/cluster:Cluster').map((r) => r.name)).toEqual([`auth-prod-db-${region}`]);
      expect(typesOf(own).has('aws:ecs/service:Service')).toBe(true);
      // The controller's config and permissions name every region: they are the endpoints stack's.
      expect(typesOf(own).has('aws:ssm/parameter:Parameter')).toBe(false);
      expect(own.inventory.resources.filter((r) => r.type === 'aws:iam/rolePolicy:RolePolicy').map((r) => r.name)).toEqual([`auth-prod-${region}-controller-execution`]);
    }
  });

  it('keeps in the shared stack what the deployment has once, and no region\'s network, cluster or controller', () => {
    const types = typesOf(stack('shared'));
    for (const type of ['aws:rds/globalCluster:GlobalCluster', 'aws:dynamodb/table:Table', 'aws:route53recoverycontrol/routingControl:RoutingControl', 'aws:s3/bucketV2:BucketV2']) expect(types.has(type), type).toBe(true);
    for (const type of ['aws:ec2/vpc:Vpc', 'aws:rds/cluster:Cluster', 'aws:ecs/service:Service', 'aws:ssm/parameter:Parameter']) expect(types.has(type), type).toBe(false);
    // Only the public zone: the private one is associated with every region's VPC.
    expect(stack('shared').inventory.resources.filter((r) => r.type === 'aws:route53/zone:Zone').map((r) => r.props.name)).toEqual(['auth.example.com']);
  });

  it('keeps in the endpoints stack only what needs every region: the private zone and each controller\'s config and task policy', () => {
    expect([...typesOf(stack('endpoints'))].sort()).toEqual(['aws:iam/rolePolicy:RolePolicy', 'aws:route53/record:Record', 'aws:route53/zone:Zone', 'aws:ssm/parameter:Parameter', 'pulumi:providers:aws']);
  });

  it('passes the policy guard as a whole deployment', async () => {
    expect(await checkInventory(split.inventory)).toEqual([]);
  });

  it('passes, stack by stack, the rules that a single stack can keep', async () => {
    for (const s of split.stacks) expect(await checkInventory(s.inventory, 'stack'), s.name).toEqual([]);
    // The deployment-wide rules cannot hold for a region's stack alone.
    expect((await checkInventory(stack('us-east-1').inventory)).map((v) => v.rule)).toEqual(expect.arrayContaining(['global-database-spans-regions', 'state-table-replicated']));
  });
});

describe('a split layout that does not fit together', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fcp-split-'));
    for (const tier of ['shared', 'us-east-1', 'us-east-2', 'us-west-2', 'endpoints']) copyFileSync(SPLIT(tier), join(dir, `Pulumi.example-split-${tier}.yaml`));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a region the shared stack does not list is refused, naming the setting', async () => {
    writeFileSync(join(dir, 'Pulumi.stray.yaml'), 'config:\n  fcp:tier: region\n  fcp:region: { shared: example-split-shared, name: eu-west-1, network: { cidr: 10.90.0.0/16 } }\n');
    await expect(new LayoutSynth().stack(join(dir, 'Pulumi.stray.yaml'))).rejects.toThrow(/eu-west-1 is not a region of the deployment auth-prod/);
  });

  it('a stack reference with no settings file beside it is refused', async () => {
    writeFileSync(join(dir, 'Pulumi.orphan.yaml'), 'config:\n  fcp:tier: region\n  fcp:region: { shared: acme/fcp/nowhere, name: us-east-1, network: { cidr: 10.90.0.0/16 } }\n');
    await expect(new LayoutSynth().stack(join(dir, 'Pulumi.orphan.yaml'))).rejects.toThrow(/cannot read stack file .*Pulumi\.nowhere\.yaml: no such file/);
  });

  it('an endpoints stack that leaves a region out is refused, naming the region', async () => {
    writeFileSync(join(dir, 'Pulumi.example-split-endpoints.yaml'), 'config:\n  fcp:tier: endpoints\n  fcp:endpoints:\n    shared: example-split-shared\n    regions: { us-east-1: example-split-us-east-1, us-west-2: example-split-us-west-2 }\n');
    await expect(synthesizeDeployment(join(dir, 'Pulumi.example-split-shared.yaml'))).rejects.toThrow(/regions\.us-east-2: name the stack of us-east-2/);
  });
}, 120_000);
