import type { IamCheck } from '../iam/gate.js';
import type { QueryParams } from './query-protocol.js';
import { clusterArn } from './records.js';

/**
 * The IAM resources of one RDS request: the global cluster and DB cluster ARNs its parameters name
 * (in lower case, as RDS stores identifiers), or `*` when it names none (a describe of everything).
 */
export function rdsIamCheck(action: string, params: QueryParams, region: string, account: string): IamCheck {
  const global = (id: string | undefined) => (id === undefined ? undefined : `arn:aws:rds::${account}:global-cluster:${id.toLowerCase()}`);
  const cluster = (idOrArn: string | undefined) =>
    idOrArn === undefined ? undefined : idOrArn.startsWith('arn:') ? idOrArn.toLowerCase() : clusterArn(account, region, idOrArn.toLowerCase());
  const instance = (id: string | undefined) => (id === undefined ? undefined : `arn:aws:rds:${region}:${account}:db:${id.toLowerCase()}`);
  const named: (string | undefined)[] = {
    DescribeGlobalClusters: [global(params.string('GlobalClusterIdentifier'))],
    DescribeDBClusters: [cluster(params.string('DBClusterIdentifier'))],
    SwitchoverGlobalCluster: [global(params.string('GlobalClusterIdentifier')), cluster(params.string('TargetDbClusterIdentifier'))],
    FailoverGlobalCluster: [global(params.string('GlobalClusterIdentifier')), cluster(params.string('TargetDbClusterIdentifier'))],
    CreateGlobalCluster: [global(params.string('GlobalClusterIdentifier'))],
    CreateDBCluster: [cluster(params.string('DBClusterIdentifier'))],
    CreateDBInstance: [instance(params.string('DBInstanceIdentifier'))],
  }[action] ?? [];
  const resources = named.filter((arn): arn is string => arn !== undefined);
  return { action: `rds:${action}`, resources: resources.length > 0 ? resources : ['*'] };
}
