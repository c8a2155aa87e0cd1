import { UnexpectedAnswerError } from '../../aws/errors.js';
import type { Config } from '../../config/schema.js';
import type { RegionName } from '../../domain/types.js';

/** `arn:aws:rds:us-east-1:123:cluster:auth-us-east-1` -> `auth-us-east-1` (CloudWatch's DBClusterIdentifier). */
export function clusterIdFromArn(arn: string): string {
  return arn.slice(arn.lastIndexOf(':') + 1);
}

/** The member clusters of the global database, by region and by ARN, as the config names them. */
export class ClusterDirectory {
  private readonly regionByArn: Map<string, RegionName>;

  constructor(readonly clusters: Config['database']['clusters']) {
    this.regionByArn = new Map(Object.entries(clusters).map(([region, cluster]) => [cluster.arn, region]));
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
    return arn === undefined ? undefined : this.regionByArn.get(arn);
  }
}
