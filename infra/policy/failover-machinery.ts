import type { InventoryResource } from '../synth/inventory.js';

/**
 * The failover machinery: the resources a failover runs on. A change to one of them can break the
 * very path that would recover from the change, so the pull request's synth report marks it and
 * asks for a second reviewer (`.github/workflows/infra.yml`).
 */
export interface MachineryPart {
  title: string;
  /** Why a change here needs a second pair of eyes. */
  why: string;
  matches(resource: InventoryResource): boolean;
}

const ofTypes = (...types: string[]) => (resource: InventoryResource) => types.includes(resource.type);

export const MACHINERY_PARTS: readonly MachineryPart[] = [
  {
    title: 'global database',
    why: 'the global cluster, its member clusters and their instances are what a switchover or failover promotes; a headless or unequal member cannot be promoted',
    matches: (r) =>
      r.type === 'aws:rds/globalCluster:GlobalCluster' ||
      r.type === 'aws:rds/clusterInstance:ClusterInstance' ||
      (r.type === 'aws:rds/cluster:Cluster' && typeof r.props.globalClusterIdentifier === 'string'),
  },
  {
    title: 'traffic routing controls',
    why: 'ARC routing controls and their safety rules are how traffic moves; a changed rule can forbid the flip a failover needs',
    matches: ofTypes(
      'aws:route53recoverycontrol/cluster:Cluster',
      'aws:route53recoverycontrol/controlPanel:ControlPanel',
      'aws:route53recoverycontrol/routingControl:RoutingControl',
      'aws:route53recoverycontrol/safetyRule:SafetyRule',
    ),
  },
  {
    title: 'health checks',
    why: 'Route 53 health checks decide which record answers and are one of the controller\'s vantage points',
    matches: ofTypes('aws:route53/healthCheck:HealthCheck'),
  },
  {
    title: 'state table',
    why: 'the lease, plan journal and audit chain live in it; losing a replica or its consistency mode breaks fencing',
    matches: ofTypes('aws:dynamodb/table:Table'),
  },
  {
    title: 'controller IAM',
    why: 'a permission taken from the controller\'s roles fails the first failover that needs it',
    matches: (r) => r.type.startsWith('aws:iam/'),
  },
  {
    title: 'audit checkpoints',
    why: 'the signing key and the Object Lock bucket keep the audit trail tamper-evident',
    matches: (r) => r.type === 'aws:kms/replicaKey:ReplicaKey' || r.type.startsWith('aws:s3/') || (r.type === 'aws:kms/key:Key' && r.props.keyUsage === 'SIGN_VERIFY'),
  },
];

/** The part of the failover machinery a resource belongs to, if any. */
export function machineryPart(resource: InventoryResource): MachineryPart | undefined {
  return MACHINERY_PARTS.find((part) => part.matches(resource));
}
