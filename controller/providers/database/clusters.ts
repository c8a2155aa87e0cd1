import { UnexpectedAnswerError } from '../../aws/errors.js';
import type { Config } from '../../config/schema.js';
import type { RegionName } from '../../domain/types.js';

/** RDS stores identifiers, and so returns ARNs, in lower case: compare in lower case. */
export const rdsName = (identifierOrArn: string): string => identifierOrArn.toLowerCase();

/** `arn:aws:rds:us-east-1:123:cluster:auth-us-east-1` -> `auth-us-east-1` (CloudWatch's DBClusterIdentifier, as RDS stores it). */
export function clusterIdFromArn(arn: string): string {
  return rdsName(arn.slice(arn.lastIndexOf(':') + 1));
}

/** The member clusters of the global database, by region and by ARN (compared as RDS stores them). */
export class ClusterDirectory {
  private readonly regionByArn: Map<string, RegionName>;

  constructor(readonly clusters: Config['database']['clusters']) {
    this.regionByArn = new Map(Object.entries(clusters).map(([region, cluster]) => [rdsName(cluster.arn), region]));
  }

  get regions(): RegionName[] {
    return Object.keys(this.clusters);
  }

  arn(region: RegionName): string {
    const cluster = this.clusters[region];
    if (!cluster) throw new UnexpectedAnswerError(`no cluster is configured for region ${region}`, { context: { region } });
    return cluster.arn;
  }

  /** The region of a member cluster ARN; undefined for clusters the config does not list. */
  regionOf(arn: string | undefined): RegionName | undefined {
    return arn === undefined ? undefined : this.regionByArn.get(rdsName(arn));
  }
}
