import { z } from 'zod';

/** A region's name, such as `us-east-1`. */
export type RegionName = string;

/** AWS regions a deployment may name. Kept as data so a typo such as `us-west-9` is caught at load time. */
export const AWS_REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
  'ca-central-1', 'ca-west-1', 'mx-central-1', 'sa-east-1',
  'eu-central-1', 'eu-central-2', 'eu-west-1', 'eu-west-2', 'eu-west-3',
  'eu-south-1', 'eu-south-2', 'eu-north-1',
  'il-central-1', 'me-south-1', 'me-central-1', 'af-south-1',
  'ap-east-1', 'ap-east-2', 'ap-south-1', 'ap-south-2',
  'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4',
  'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7',
  'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3',
  'us-gov-east-1', 'us-gov-west-1', 'cn-north-1', 'cn-northwest-1',
] as const;

export type AwsRegion = (typeof AWS_REGIONS)[number];

const known = new Set<string>(AWS_REGIONS);

export function isAwsRegion(name: string): name is AwsRegion {
  return known.has(name);
}

/** A config field that names an AWS region: a typo is an error that says what a name looks like. */
export function regionNameSchema() {
  return z.string().refine((value): boolean => isAwsRegion(value), { error: (issue) => `${JSON.stringify(issue.input)} is not an AWS region; use a name such as "us-east-1"` });
}
