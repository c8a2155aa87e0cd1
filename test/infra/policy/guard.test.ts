import { beforeAll, describe, expect, it } from 'vitest';
import { checkInventory, deploymentRegions, formatViolation } from '../../../infra/policy/guard.js';
import type { Inventory, InventoryResource } from '../../../infra/synth/inventory.js';
import { synthesize } from '../../../infra/synth/synthesize.js';
import { exampleSettings, THREE_REGION_STACK } from '../fixtures.js';

/** The three-region example's inventory, synthesized once; each case seeds one violation into a copy. */
let clean: Inventory;

beforeAll(async () => {
  ({ inventory: clean } = await synthesize(exampleSettings(THREE_REGION_STACK)));
}, 60_000);

function find(inventory: Inventory, type: string, name: string): InventoryResource {
  const found = inventory.resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`no ${type} named ${name}`);
  return found;
}

function pushRecord(inventory: Inventory, props: Record<string, unknown>): void {
  inventory.resources.push({ type: 'aws:route53/record:Record', name: String(props.name), region: 'us-east-1', props });
}

const without = (inventory: Inventory, drop: (r: InventoryResource) => boolean) => {
  inventory.resources = inventory.resources.filter((r) => !drop(r));
};

/** Edits the Allow statements of one region's controller task policy. */
function editTaskPolicy(inventory: Inventory, region: string, edit: (statements: { Sid: string; Action: string[] }[]) => void): void {
  const policy = find(inventory, 'aws:iam/rolePolicy:RolePolicy', `auth-prod-${region}-controller-task`);
  const document = JSON.parse(String(policy.props.policy)) as { Statement: { Sid: string; Action: string[] }[] };
  edit(document.Statement);
  policy.props.policy = JSON.stringify(document);
}

const seeds: { name: string; seed: (inv: Inventory) => void; rule: string; message: RegExp }[] = [
  {
    name: 'deletion protection off on a secondary cluster',
    seed: (inv) => { find(inv, 'aws:rds/cluster:Cluster', 'auth-prod-db-us-east-2').props.deletionProtection = false; },
    rule: 'database-encrypted-protected',
    message: /auth-prod-db-us-east-2 \(us-east-2\): deletion protection is off/,
  },
  {
    name: 'an unencrypted global cluster',
    seed: (inv) => { find(inv, 'aws:rds/globalCluster:GlobalCluster', 'auth-prod-db-global').props.storageEncrypted = false; },
    rule: 'database-encrypted-protected',
    message: /storage is not encrypted/,
  },
  {
    name: 'one day of backups',
    seed: (inv) => { find(inv, 'aws:rds/cluster:Cluster', 'auth-prod-db-us-east-1').props.backupRetentionPeriod = 1; },
    rule: 'database-encrypted-protected',
    message: /keeps 1 day\(s\) of backups/,
  },
  {
    name: 'a headless secondary',
    seed: (inv) => without(inv, (r) => r.type === 'aws:rds/clusterInstance:ClusterInstance' && r.region === 'us-west-2'),
    rule: 'global-database-spans-regions',
    message: /auth-prod-db-us-west-2 \(us-west-2\): has no instances/,
  },
  {
    name: 'a global database in one region',
    seed: (inv) => without(inv, (r) => r.type === 'aws:rds/cluster:Cluster' && r.region !== 'us-east-1'),
    rule: 'global-database-spans-regions',
    message: /has member clusters in 1 region\(s\)/,
  },
  {
    name: 'a member on another engine version',
    seed: (inv) => { find(inv, 'aws:rds/cluster:Cluster', 'auth-prod-db-us-east-2').props.engineVersion = '16.4'; },
    rule: 'global-database-spans-regions',
    message: /runs engine 16\.4 but the global cluster runs 16\.6/,
  },
  {
    name: 'TTL 300 on a public record',
    seed: (inv) => { find(inv, 'aws:route53/record:Record', 'auth-prod-traffic-us-east-2').props.ttl = 300; },
    rule: 'public-records-health-checked',
    message: /auth-prod-traffic-us-east-2 \(us-east-1\): has TTL 300; at most 60/,
  },
  {
    name: 'a public record without a health check',
    seed: (inv) => { delete find(inv, 'aws:route53/record:Record', 'auth-prod-traffic-us-west-2').props.healthCheckId; },
    rule: 'public-records-health-checked',
    message: /has no health check/,
  },
  {
    name: 'a simple public record without a health check',
    seed: (inv) => {
      inv.resources.push({ type: 'aws:route53/record:Record', name: 'status', region: 'us-east-1', props: { name: 'status.auth.example.com', type: 'CNAME', ttl: 60, records: ['origin.us-east-1.auth.example.com'] } });
    },
    rule: 'public-records-health-checked',
    message: /status \(us-east-1\): has no health check/,
  },
  {
    name: 'a wildcard action',
    seed: (inv) => {
      const policy = find(inv, 'aws:iam/rolePolicy:RolePolicy', 'auth-prod-us-east-1-controller-task');
      const document = JSON.parse(String(policy.props.policy)) as { Statement: { Action: string[] }[] };
      document.Statement[0]!.Action.push('rds:*');
      policy.props.policy = JSON.stringify(document);
    },
    rule: 'no-wildcard-actions',
    message: /auth-prod-us-east-1-controller-task \(us-east-1\): grants the wildcard action "rds:\*"/,
  },
  {
    name: 'a role missing a write action the controller calls',
    seed: (inv) => editTaskPolicy(inv, 'us-west-2', (statements) => {
      const promote = statements.find((st) => st.Sid === 'PromoteGlobalDatabase')!;
      promote.Action = promote.Action.filter((a) => a !== 'rds:SwitchoverGlobalCluster');
    }),
    rule: 'controller-role-fits-code',
    message: /auth-prod-us-west-2-controller-task \(us-west-2\): does not allow rds:SwitchoverGlobalCluster, which the controller calls/,
  },
  {
    name: 'a misspelt action',
    seed: (inv) => editTaskPolicy(inv, 'us-east-1', (statements) => statements.find((st) => st.Sid === 'StateTable')!.Action.push('dynamodb:Querry')),
    rule: 'controller-role-fits-code',
    message: /grants "dynamodb:Querry", which is not an IAM action/,
  },
  {
    name: 'a write action the controller never calls',
    seed: (inv) => editTaskPolicy(inv, 'us-east-2', (statements) => statements.find((st) => st.Sid === 'PromoteGlobalDatabase')!.Action.push('rds:DeleteDBCluster')),
    rule: 'controller-role-fits-code',
    message: /grants rds:DeleteDBCluster \(write access\), which the controller never calls/,
  },
  {
    name: 'NotAction in a role inline policy',
    seed: (inv) => {
      find(inv, 'aws:iam/role:Role', 'auth-prod-us-east-2-controller-task').props.inlinePolicies = [
        { name: 'x', policy: JSON.stringify({ Statement: [{ Effect: 'Allow', NotAction: ['iam:*'], Resource: '*' }] }) },
      ];
    },
    rule: 'no-wildcard-actions',
    message: /uses NotAction/,
  },
  {
    name: 'point-in-time recovery off',
    seed: (inv) => { find(inv, 'aws:dynamodb/table:Table', 'auth-prod-state-table').props.pointInTimeRecovery = { enabled: false }; },
    rule: 'state-table-replicated',
    message: /point-in-time recovery is off/,
  },
  {
    name: 'a region without a state table replica',
    seed: (inv) => {
      const table = find(inv, 'aws:dynamodb/table:Table', 'auth-prod-state-table');
      table.props.replicas = (table.props.replicas as { regionName: string }[]).filter((r) => r.regionName !== 'us-west-2');
    },
    rule: 'state-table-replicated',
    message: /has no replica in us-west-2/,
  },
  {
    name: 'a region without a controller',
    seed: (inv) => without(inv, (r) => r.type === 'aws:ecs/service:Service' && r.region === 'us-east-2'),
    rule: 'controller-in-every-region',
    message: /us-east-2 has no controller service/,
  },
  {
    name: 'a controller scaled to zero',
    seed: (inv) => { find(inv, 'aws:ecs/service:Service', 'auth-prod-us-west-2-controller-service').props.desiredCount = 0; },
    rule: 'controller-in-every-region',
    message: /us-west-2 has no controller service with a running task/,
  },
  {
    name: 'a resource on the default provider',
    seed: (inv) => { find(inv, 'aws:sns/topic:Topic', 'auth-prod-us-east-1-controller-alarms').region = null; },
    rule: 'explicit-provider',
    message: /auth-prod-us-east-1-controller-alarms \(default provider\): uses the default provider/,
  },
];

describe('policy guard', () => {
  it('passes the example stack', async () => {
    expect(await checkInventory(clean)).toEqual([]);
  });

  it('leaves private DB endpoint records and non-traffic public records alone', async () => {
    const inventory = structuredClone(clean);
    pushRecord(inventory, { name: 'extra.db.auth.internal', type: 'CNAME', ttl: 300 });
    pushRecord(inventory, { name: '_verify.auth.example.com', type: 'TXT', ttl: 3600 });
    expect(await checkInventory(inventory)).toEqual([]);
  });

  it('reads the deployment regions from the providers tags', () => {
    expect(deploymentRegions(clean)).toEqual(['us-east-1', 'us-east-2', 'us-west-2']);
  });

  it.each(seeds)('catches $name', async ({ seed, rule, message }) => {
    const inventory = structuredClone(clean);
    seed(inventory);
    const violations = await checkInventory(inventory);
    expect(violations.length).toBeGreaterThan(0);
    expect(violations.map((v) => v.rule)).toEqual(violations.map(() => rule));
    expect(violations.map(formatViolation).join('\n')).toMatch(message);
  });

  it('reports every violation, not only the first', async () => {
    const inventory = structuredClone(clean);
    // Every seed but the one that removes clusters other seeds change.
    for (const { name, seed } of seeds) if (name !== 'a global database in one region') seed(inventory);
    const rules = new Set((await checkInventory(inventory)).map((v) => v.rule));
    expect([...rules].sort()).toEqual(['controller-in-every-region', 'controller-role-fits-code', 'database-encrypted-protected', 'explicit-provider', 'global-database-spans-regions', 'no-wildcard-actions', 'public-records-health-checked', 'state-table-replicated']);
  });

  it('reports a missing state table and a missing global database', async () => {
    const inventory = structuredClone(clean);
    without(inventory, (r) => r.type === 'aws:dynamodb/table:Table' || r.type === 'aws:rds/globalCluster:GlobalCluster');
    expect((await checkInventory(inventory)).map(formatViolation)).toEqual(
      expect.arrayContaining(['[global-database-spans-regions] there is no Aurora global cluster', '[state-table-replicated] there is no DynamoDB state table']),
    );
  });
});
