import { describe, expect, it } from 'vitest';
import { diffInventories, formatDiff } from '../../../infra/synth/diff.js';
import type { Inventory } from '../../../infra/synth/inventory.js';

const base: Inventory = {
  resources: [
    { type: 'aws:route53/record:Record', name: 'public-us-east-1', region: 'us-east-1', props: { ttl: 60, records: ['a.example.com'] } },
    { type: 'aws:iam/rolePolicy:RolePolicy', name: 'task', region: 'us-east-1', props: { policy: JSON.stringify({ Statement: [{ Action: ['rds:DescribeDBClusters'] }] }) } },
    { type: 'aws:ecs/service:Service', name: 'controller-eu', region: 'eu-west-1', props: { desiredCount: 1 } },
  ],
};

describe('diffInventories', () => {
  it('reports nothing for the same inventory', () => {
    expect(diffInventories(base, structuredClone(base))).toEqual({ added: [], removed: [], modified: [], machinery: [] });
  });

  it('reports added, removed and modified resources with the changed paths', () => {
    const head: Inventory = structuredClone(base);
    head.resources[0]!.props.ttl = 300;
    head.resources[1]!.props.policy = JSON.stringify({ Statement: [{ Action: ['rds:*'] }] });
    head.resources.splice(2, 1);
    head.resources.push({ type: 'aws:sns/topic:Topic', name: 'alarms', region: 'us-east-1', props: {} });

    const diff = diffInventories(base, head);
    expect(diff.added.map((r) => r.name)).toEqual(['alarms']);
    expect(diff.removed.map((r) => r.name)).toEqual(['controller-eu']);
    expect(diff.modified).toEqual([
      { type: 'aws:route53/record:Record', name: 'public-us-east-1', region: 'us-east-1', changes: [{ path: 'ttl', before: 60, after: 300 }] },
      // A JSON policy string is compared as JSON, down to the changed action.
      { type: 'aws:iam/rolePolicy:RolePolicy', name: 'task', region: 'us-east-1', changes: [{ path: 'policy.Statement[0].Action[0]', before: 'rds:DescribeDBClusters', after: 'rds:*' }] },
    ]);
    const text = formatDiff(diff);
    expect(text).toContain('+ aws:sns/topic:Topic  alarms  (us-east-1)');
    expect(text).toContain('- aws:ecs/service:Service  controller-eu  (eu-west-1)');
    expect(text).toContain('    ttl: 60 -> 300');
    expect(text).toContain('1 to add, 1 to remove, 2 to modify');
  });

  it('reports a resource that moved to another region or onto the default provider', () => {
    const head: Inventory = structuredClone(base);
    head.resources[2]!.region = null;
    const [moved] = diffInventories(base, head).modified;
    expect(moved).toMatchObject({ name: 'controller-eu', region: null, regionBefore: 'eu-west-1', changes: [] });
    expect(formatDiff(diffInventories(base, head))).toContain('region: eu-west-1 -> default provider');
  });
});

describe('a change to a property ignored after creation', () => {
  it('is shown as never applied and leaves the failover machinery unflagged', () => {
    const cluster = { type: 'aws:rds/cluster:Cluster', name: 'db-us-east-2', region: 'us-east-2', props: { globalClusterIdentifier: 'g', masterUsername: 'admin' }, ignoreChanges: ['masterUsername'] };
    const head: Inventory = { resources: [{ ...cluster, props: { ...cluster.props, masterUsername: 'root' } }] };
    const diff = diffInventories({ resources: [cluster] }, head);
    expect(diff.modified[0]?.changes).toEqual([{ path: 'masterUsername', before: 'admin', after: 'root', ignored: true }]);
    expect(diff.machinery).toEqual([]);
    expect(formatDiff(diff)).toContain('    masterUsername: admin -> root  (ignored after creation: never applied)');

    const replaced: Inventory = { resources: [{ ...cluster, props: { ...cluster.props, globalClusterIdentifier: 'other' } }] };
    expect(diffInventories({ resources: [cluster] }, replaced).machinery).toEqual([{ change: 'modify', type: cluster.type, name: cluster.name, region: 'us-east-2', part: 'global database' }]);
  });
});
