/**
 * The resource inventory a synth produces: every cloud resource the program declares, with the
 * region its provider targets and the properties it was given. This is what reviewers read on a pull
 * request and what the policy guard checks.
 */

export interface InventoryResource {
  /** Pulumi type token, e.g. `aws:rds/cluster:Cluster`. */
  type: string;
  /** Logical name in the program. */
  name: string;
  /** The region of the resource's explicit provider; null when it uses the default provider. */
  region: string | null;
  props: Record<string, unknown>;
  /** Properties Pulumi keeps at their live value after creation (the resource's `ignoreChanges`), when there are any. */
  ignoreChanges?: string[];
}

export interface Inventory {
  resources: InventoryResource[];
}

export const PROVIDER_TYPE = 'pulumi:providers:aws';

export const resourceKey = (resource: Pick<InventoryResource, 'type' | 'name'>): string => `${resource.type}::${resource.name}`;

/** Sorted by type then name, so two synths of the same program print and diff identically. */
export function sortInventory(resources: readonly InventoryResource[]): Inventory {
  return {
    resources: [...resources].sort((a, b) => (a.type === b.type ? a.name.localeCompare(b.name) : a.type.localeCompare(b.type))),
  };
}

/** Properties worth a reviewer's eye, per type; the JSON inventory carries all of them. */
const KEY_PROPS: Record<string, readonly string[]> = {
  [PROVIDER_TYPE]: ['region'],
  'aws:ec2/vpc:Vpc': ['cidrBlock'],
  'aws:ec2/subnet:Subnet': ['cidrBlock', 'availabilityZone'],
  'aws:ec2/vpcEndpoint:VpcEndpoint': ['serviceName', 'vpcEndpointType'],
  'aws:ec2/securityGroup:SecurityGroup': ['ingress', 'egress'],
  'aws:kms/key:Key': ['enableKeyRotation', 'deletionWindowInDays'],
  'aws:rds/globalCluster:GlobalCluster': ['globalClusterIdentifier', 'engine', 'engineVersion', 'storageEncrypted', 'deletionProtection'],
  'aws:rds/cluster:Cluster': ['clusterIdentifier', 'engineVersion', 'storageEncrypted', 'deletionProtection', 'backupRetentionPeriod'],
  'aws:rds/clusterInstance:ClusterInstance': ['identifier', 'instanceClass', 'engineVersion'],
  'aws:route53/zone:Zone': ['name', 'vpcs'],
  'aws:route53/record:Record': ['name', 'type', 'ttl', 'setIdentifier', 'weightedRoutingPolicies', 'failoverRoutingPolicies', 'healthCheckId', 'records'],
  'aws:route53/healthCheck:HealthCheck': ['type', 'fqdn', 'resourcePath', 'routingControlArn'],
  'aws:route53recoverycontrol/routingControl:RoutingControl': ['name'],
  'aws:route53recoverycontrol/safetyRule:SafetyRule': ['ruleConfig', 'assertedControls'],
  'aws:dynamodb/table:Table': ['name', 'pointInTimeRecovery', 'deletionProtectionEnabled', 'replicas'],
  'aws:iam/role:Role': ['name'],
  'aws:iam/rolePolicy:RolePolicy': ['policy'],
  'aws:ecs/service:Service': ['name', 'desiredCount', 'launchType'],
  'aws:ecs/taskDefinition:TaskDefinition': ['family', 'cpu', 'memory', 'containerDefinitions'],
  'aws:cloudwatch/metricAlarm:MetricAlarm': ['metricName', 'comparisonOperator', 'threshold'],
  'aws:ecr/repository:Repository': ['name', 'imageTagMutability'],
  'aws:ssm/parameter:Parameter': ['name', 'tier'],
};

const MAX_VALUE_CHARS = 160;

export function formatValue(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

/** One line per resource: `type  name  region  key=value ...`, grouped by region. */
export function formatInventory(inventory: Inventory): string {
  const byRegion = new Map<string, InventoryResource[]>();
  for (const resource of inventory.resources) {
    const region = resource.region ?? '(default provider)';
    byRegion.set(region, [...(byRegion.get(region) ?? []), resource]);
  }
  const lines: string[] = [];
  for (const region of [...byRegion.keys()].sort()) {
    const resources = byRegion.get(region) ?? [];
    lines.push(`${region} (${resources.length} resources)`);
    for (const resource of resources) {
      const props = (KEY_PROPS[resource.type] ?? [])
        .filter((key) => resource.props[key] !== undefined)
        .map((key) => `${key}=${formatValue(resource.props[key])}`);
      lines.push(`  ${resource.type}  ${resource.name}${props.length ? `  ${props.join('  ')}` : ''}`);
    }
  }
  lines.push(`${inventory.resources.length} resources in ${byRegion.size} regions`);
  return lines.join('\n');
}
