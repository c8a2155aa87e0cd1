import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { diffInventories, type InventoryDiff } from '../../infra/synth/diff.js';
import type { Inventory, InventoryResource } from '../../infra/synth/inventory.js';
import { synthesize } from '../../infra/synth/synthesize.js';
import { main as synth } from '../../infra/tools/synth.js';
import { exampleSettings, THREE_REGION_STACK, TWO_REGION_STACK } from './fixtures.js';

/**
 * The program follows failovers: the stack learns the writer region (`writerRegion`, rendered from
 * the live controller by `fcp infra topology`), and nothing the program declares changes with it.
 * A preview after a failover or a failback therefore proposes no change to the global cluster's
 * membership, no cluster replacement and no routing control change.
 */

type Settings = ReturnType<typeof exampleSettings>;
const withWriter = (path: string, writerRegion: string): Settings => ({ ...exampleSettings(path), writerRegion });

const PROTECTED_TYPES = [
  'aws:rds/globalCluster:GlobalCluster',
  'aws:rds/cluster:Cluster',
  'aws:rds/clusterInstance:ClusterInstance',
  'aws:route53recoverycontrol/routingControl:RoutingControl',
  'aws:route53recoverycontrol/safetyRule:SafetyRule',
  'aws:route53/record:Record',
  'aws:route53/healthCheck:HealthCheck',
  'aws:dynamodb/table:Table',
];
const touchesProtected = (diff: InventoryDiff) =>
  [...diff.added, ...diff.removed, ...diff.modified].filter((r) => PROTECTED_TYPES.includes(r.type)).map((r) => `${r.type} ${r.name}`);

let before: Inventory;
let failedOver: Inventory;
let failedBack: Inventory;
let twoBefore: Inventory;
let twoAfter: Inventory;
let renamedPrimary: Inventory;

beforeAll(async () => {
  before = (await synthesize(withWriter(THREE_REGION_STACK, 'us-east-1'))).inventory;
  failedOver = (await synthesize(withWriter(THREE_REGION_STACK, 'us-east-2'))).inventory;
  failedBack = (await synthesize(withWriter(THREE_REGION_STACK, 'us-east-1'))).inventory;
  twoBefore = (await synthesize(withWriter(TWO_REGION_STACK, 'eu-west-1'))).inventory;
  twoAfter = (await synthesize(withWriter(TWO_REGION_STACK, 'us-east-1'))).inventory;
  // What a stack owner might be tempted to do instead: make the new writer the primary.
  renamedPrimary = (await synthesize({ ...exampleSettings(THREE_REGION_STACK), primaryRegion: 'us-east-2' })).inventory;
}, 120_000);

describe('a preview after a failover or a failback', () => {
  it('proposes nothing at all, the failover machinery included (three regions, weighted routing)', () => {
    expect(diffInventories(before, failedOver)).toEqual({ added: [], removed: [], modified: [], machinery: [] });
    expect(diffInventories(failedOver, failedBack)).toEqual({ added: [], removed: [], modified: [], machinery: [] });
  });

  it('proposes nothing with two regions and PRIMARY/SECONDARY failover records either', () => {
    expect(touchesProtected(diffInventories(twoBefore, twoAfter))).toEqual([]);
    expect(diffInventories(twoBefore, twoAfter).machinery).toEqual([]);
  });

  it('would move the global cluster and the state table if the primary were renamed instead', () => {
    const diff = diffInventories(before, renamedPrimary);
    const moved = diff.modified.filter((m) => m.regionBefore !== undefined).map((m) => `${m.type} ${m.regionBefore} -> ${m.region}`);
    expect(moved).toEqual(expect.arrayContaining([
      'aws:rds/globalCluster:GlobalCluster us-east-1 -> us-east-2',
      'aws:dynamodb/table:Table us-east-1 -> us-east-2',
    ]));
    expect(diff.machinery.length).toBeGreaterThan(0);
  });
});

describe('every cluster argument that differs between the primary and a secondary', () => {
  const clusters = () => before.resources.filter((r) => r.type === 'aws:rds/cluster:Cluster');
  // Per region by nature: names, the region's own key, network and snapshot name.
  const REGIONAL = new Set(['clusterIdentifier', 'kmsKeyId', 'dbSubnetGroupName', 'vpcSecurityGroupIds', 'finalSnapshotIdentifier']);
  const differing = (members: InventoryResource[]) => {
    const keys = new Set(members.flatMap((m) => Object.keys(m.props)));
    return [...keys].filter((key) => !REGIONAL.has(key) && new Set(members.map((m) => JSON.stringify(m.props[key]))).size > 1).sort();
  };

  it('is ignored after creation on every member, whichever one writes', () => {
    const members = clusters();
    expect(members).toHaveLength(3);
    const asymmetric = differing(members);
    expect(asymmetric).toEqual(['databaseName', 'manageMasterUserPassword', 'masterUserSecretKmsKeyId', 'masterUsername']);
    for (const member of members) {
      expect(member.ignoreChanges, member.name).toEqual(expect.arrayContaining([...asymmetric, 'replicationSourceIdentifier']));
    }
  });

  it('leaves the membership itself managed: the global cluster identifier is never ignored', () => {
    for (const member of clusters()) {
      expect(member.props.globalClusterIdentifier).toBe('auth-prod-global');
      expect(member.ignoreChanges).not.toContain('globalClusterIdentifier');
    }
  });
});

describe('infra:synth --diff across a failover', () => {
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'fcp-failover-'));
  });
  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  async function run(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await synth(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('shows nothing to change once the stack names the new writer', async () => {
    const base = await run('--stack', THREE_REGION_STACK, '--json');
    expect(base.code, base.err).toBe(0);
    const baseFile = join(scratch, 'base.json');
    writeFileSync(baseFile, base.out);
    const document = YAML.parseDocument(readFileSync(THREE_REGION_STACK, 'utf8'));
    document.setIn(['config', 'fcp:deployment', 'writerRegion'], 'us-west-2');
    const stackFile = join(scratch, 'Pulumi.failed-over.yaml');
    writeFileSync(stackFile, document.toString());

    const diff = await run('--stack', stackFile, '--diff', baseFile);
    expect(diff.code, diff.err).toBe(0);
    expect(diff.out).toBe('0 to add, 0 to remove, 0 to modify');
  }, 60_000);
});
