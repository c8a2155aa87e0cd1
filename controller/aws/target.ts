import type { RegionName } from '../domain/types.js';

export type AwsServiceName = 'route53' | 'rds' | 'cloudwatch' | 'arc' | 'iam' | 'sts' | 'kms' | 's3';

/** What one AWS call is aimed at: named in errors, logs and error counts. */
export interface AwsTarget {
  service: AwsServiceName;
  operation: string;
  /** The region the call is signed for and sent to. */
  region: RegionName;
  /** An explicit endpoint (ARC cluster endpoints, sandbox overrides), when it tells calls apart. */
  endpoint?: string;
}

/** `rds DescribeGlobalClusters in us-east-1` or `arc ... in eu-west-1 (http://...)`. */
export function describeTarget(target: AwsTarget): string {
  const where = target.endpoint ? `${target.region} (${target.endpoint})` : target.region;
  return `${target.service} ${target.operation} in ${where}`;
}
