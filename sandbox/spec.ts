import type { RegionName } from '../kernel/region.js';

/**
 * What the sandbox needs to know about the deployment it emulates: the parts of a controller
 * config it reads, declared here so the emulator does not depend on the controller. A parsed
 * controller config fits this shape as it is; the CLI hands it over.
 */
export interface SandboxSpec {
  name: string;
  regions: { name: RegionName; role: 'primary' | 'standby' }[];
  services: { name: string; critical: boolean; endpoints: Record<RegionName, string> }[];
  traffic: ArcTrafficSpec | WeightedTrafficSpec;
  database: {
    globalClusterIdentifier: string;
    globalWriterEndpoint?: string | undefined;
    clusters: Record<RegionName, { arn: string; writerEndpoint: string; readerEndpoint: string }>;
    endpointRecords: { hostedZoneId: string; writer: string; readers: Record<RegionName, string>; ttl: number };
  };
  signals: { route53HealthChecks?: Record<RegionName, string> | undefined };
  store: { tableName: string };
  /** Where the audit chain's checkpoints are signed and kept; `aws`: the sandbox serves the KMS key and the bucket. */
  audit?: { checkpoints: { mode: 'local' } | AwsCheckpointsSpec } | undefined;
  aws: {
    endpoints: SandboxEndpointOverrides;
    credentials: { mode: 'default' } | { mode: 'static'; accessKeyIdPrefix: string; secretAccessKey: string };
  };
  /** The `sandbox:` section, validated by the sandbox itself (`config-schema.ts`). */
  sandbox?: unknown;
}

export interface ArcTrafficSpec {
  mechanism: 'arc';
  publicName: string;
  clusterEndpoints: { region: RegionName; url: string }[];
  routingControls: Record<RegionName, string>;
}

export interface WeightedTrafficSpec {
  mechanism: 'route53';
  publicName: string;
  hostedZoneId: string;
  recordType: 'A' | 'AAAA' | 'CNAME';
  ttl: number;
  records: Record<RegionName, { setIdentifier: string; value: string }>;
}

/** Checkpoints signed by an asymmetric KMS key and kept in an S3 bucket with Object Lock. */
export interface AwsCheckpointsSpec {
  mode: 'aws';
  /** A key id or key ARN; the sandbox serves it as a multi-Region key in every region. */
  kmsKeyId: string;
  bucket: string;
  bucketRegion: RegionName;
  prefix: string;
}

/** The AWS endpoints the controller's clients use; the sandbox points them at itself. */
export interface SandboxEndpointOverrides {
  route53?: string | undefined;
  rds?: Record<RegionName, string> | undefined;
  cloudwatch?: Record<RegionName, string> | undefined;
  dynamodb?: string | undefined;
  iam?: string | undefined;
  sts?: string | undefined;
  kms?: string | undefined;
  s3?: string | undefined;
}
