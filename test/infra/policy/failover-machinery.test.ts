import { beforeAll, describe, expect, it } from 'vitest';
import { machineryPart, MACHINERY_PARTS } from '../../../infra/policy/failover-machinery.js';
import { diffInventories, formatDiff } from '../../../infra/synth/diff.js';
import type { Inventory, InventoryResource } from '../../../infra/synth/inventory.js';
import { synthesize } from '../../../infra/synth/synthesize.js';
import { exampleSettings, THREE_REGION_STACK } from '../fixtures.js';

let inventory: Inventory;
beforeAll(async () => {
  ({ inventory } = await synthesize(exampleSettings(THREE_REGION_STACK)));
}, 60_000);

const named = (type: string, name: string): InventoryResource => {
  const found = inventory.resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`no ${type} named ${name}`);
  return found;
};

describe('the failover machinery', () => {
  it.each([
    ['aws:rds/globalCluster:GlobalCluster', 'auth-prod-db-global', 'global database'],
    ['aws:rds/cluster:Cluster', 'auth-prod-db-us-east-2', 'global database'],
    ['aws:rds/clusterInstance:ClusterInstance', 'auth-prod-db-us-west-2-1', 'global database'],
    ['aws:route53recoverycontrol/routingControl:RoutingControl', 'auth-prod-traffic-us-east-1', 'traffic routing controls'],
    ['aws:route53recoverycontrol/safetyRule:SafetyRule', 'auth-prod-traffic-at-least-one-on', 'traffic routing controls'],
    ['aws:route53recoverycontrol/cluster:Cluster', 'auth-prod-traffic-arc', 'traffic routing controls'],
    ['aws:route53/healthCheck:HealthCheck', 'auth-prod-traffic-us-east-2-origin', 'health checks'],
    ['aws:route53/healthCheck:HealthCheck', 'auth-prod-traffic-us-east-2-control', 'health checks'],
    ['aws:dynamodb/table:Table', 'auth-prod-state-table', 'state table'],
    ['aws:iam/role:Role', 'auth-prod-us-east-1-controller-task', 'controller IAM'],
    ['aws:iam/rolePolicy:RolePolicy', 'auth-prod-us-west-2-controller-task', 'controller IAM'],
    ['aws:iam/role:Role', 'auth-prod-us-west-2-controller-execution', 'controller IAM'],
    ['aws:kms/key:Key', 'auth-prod-audit-signing', 'audit checkpoints'],
    ['aws:kms/replicaKey:ReplicaKey', 'auth-prod-audit-signing-us-east-2', 'audit checkpoints'],
    ['aws:s3/bucketV2:BucketV2', 'auth-prod-audit-bucket', 'audit checkpoints'],
    ['aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2', 'auth-prod-audit-lock', 'audit checkpoints'],
  ])('%s %s is part of the %s', (type, name, part) => {
    expect(machineryPart(named(type, name))?.title).toBe(part);
  });

  it.each([
    ['aws:ec2/vpc:Vpc', 'auth-prod-us-east-1-vpc'],
    ['aws:ecs/service:Service', 'auth-prod-us-east-1-controller-service'],
    ['aws:kms/key:Key', 'auth-prod-us-east-1-key'],
    ['aws:cloudwatch/logGroup:LogGroup', 'auth-prod-us-east-1-controller-logs'],
    ['aws:route53/record:Record', 'auth-prod-db-endpoints-writer'],
  ])('%s %s is not', (type, name) => {
    expect(machineryPart(named(type, name))).toBeUndefined();
  });

  it('names every part once', () => {
    expect(new Set(MACHINERY_PARTS.map((p) => p.title)).size).toBe(MACHINERY_PARTS.length);
  });
});

describe('a diff that touches the failover machinery', () => {
  it('marks each such resource and asks for a second reviewer', () => {
    const head: Inventory = structuredClone(inventory);
    const policy = head.resources.find((r) => r.type === 'aws:iam/rolePolicy:RolePolicy' && r.name === 'auth-prod-us-east-1-controller-task')!;
    policy.props.policy = String(policy.props.policy).replace('"rds:SwitchoverGlobalCluster",', '');
    const vpc = head.resources.find((r) => r.type === 'aws:ec2/vpc:Vpc')!;
    vpc.props.tags = { Name: 'renamed' };
    head.resources = head.resources.filter((r) => r.type !== 'aws:route53recoverycontrol/safetyRule:SafetyRule');

    const diff = diffInventories(inventory, head);
    expect(diff.machinery).toEqual([
      { change: 'remove', type: 'aws:route53recoverycontrol/safetyRule:SafetyRule', name: 'auth-prod-traffic-at-least-one-on', region: 'us-west-2', part: 'traffic routing controls' },
      { change: 'modify', type: 'aws:iam/rolePolicy:RolePolicy', name: 'auth-prod-us-east-1-controller-task', region: 'us-east-1', part: 'controller IAM' },
    ]);
    const text = formatDiff(diff).split('\n');
    expect(text).toContain('- aws:route53recoverycontrol/safetyRule:SafetyRule  auth-prod-traffic-at-least-one-on  (us-west-2)  [failover machinery: traffic routing controls]');
    expect(text).toContain('~ aws:iam/rolePolicy:RolePolicy  auth-prod-us-east-1-controller-task  (us-east-1)  [failover machinery: controller IAM]');
    expect(text).toContain('~ aws:ec2/vpc:Vpc  auth-prod-us-east-1-vpc  (us-east-1)');
    expect(text.at(-1)).toBe('failover machinery: 2 resources (controller IAM, traffic routing controls); a second reviewer must approve this change');
  });

  it('says nothing of it when the change leaves the machinery alone', () => {
    const head: Inventory = structuredClone(inventory);
    head.resources.find((r) => r.type === 'aws:ec2/vpc:Vpc')!.props.tags = { Name: 'renamed' };
    const diff = diffInventories(inventory, head);
    expect(diff.machinery).toEqual([]);
    expect(formatDiff(diff)).not.toContain('failover machinery');
  });
});
