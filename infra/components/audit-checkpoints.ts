import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';

export interface AuditCheckpointsArgs {
  deployment: string;
  /** The region the bucket and the primary key live in; every other region gets a replica key. */
  home: { region: string; provider: aws.Provider };
  replicas: { region: string; provider: aws.Provider }[];
  /** How long a checkpoint cannot be changed or deleted, by anyone (compliance mode). */
  retentionDays: number;
}

/**
 * Where the audit chain's signed checkpoints live, out of reach of whoever can write the state
 * table: an asymmetric KMS key that signs (multi-Region, so every region's replica signs in its own
 * region; the private key never leaves KMS), and an S3 bucket with Object Lock in compliance mode,
 * so a written checkpoint can be neither changed nor deleted until its retention ends.
 */
export class AuditCheckpoints extends pulumi.ComponentResource {
  readonly bucket: pulumi.Output<string>;
  readonly bucketRegion: string;
  /** The signing key's ARN in each region. */
  readonly keyArns: pulumi.Output<Record<string, string>>;
  /** The key id replicas sign with (the multi-Region key's id is the same in every region). */
  readonly keyId: pulumi.Output<string>;

  constructor(name: string, args: AuditCheckpointsArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('fcp:infra:AuditCheckpoints', name, {}, opts);
    const key = new aws.kms.Key(`${name}-signing`, {
      description: `${args.deployment}: signs the audit chain's checkpoints`,
      customerMasterKeySpec: 'ECC_NIST_P256',
      keyUsage: 'SIGN_VERIFY',
      multiRegion: true,
      deletionWindowInDays: 30,
    }, { parent: this, provider: args.home.provider });
    const replicaKeys = args.replicas.map(({ region, provider }) => ({
      region,
      key: new aws.kms.ReplicaKey(`${name}-signing-${region}`, { primaryKeyArn: key.arn, description: `${args.deployment}: signs the audit chain's checkpoints (${region})`, deletionWindowInDays: 30 }, { parent: this, provider }),
    }));

    const bucket = new aws.s3.BucketV2(`${name}-bucket`, {
      bucketPrefix: `${args.deployment}-audit-`.toLowerCase().slice(0, 37),
      objectLockEnabled: true,
    }, { parent: this, provider: args.home.provider });
    new aws.s3.BucketVersioningV2(`${name}-versioning`, { bucket: bucket.id, versioningConfiguration: { status: 'Enabled' } }, { parent: this, provider: args.home.provider });
    new aws.s3.BucketObjectLockConfigurationV2(`${name}-lock`, {
      bucket: bucket.id,
      rule: { defaultRetention: { mode: 'COMPLIANCE', days: args.retentionDays } },
    }, { parent: this, provider: args.home.provider });
    new aws.s3.BucketPublicAccessBlock(`${name}-private`, { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, { parent: this, provider: args.home.provider });
    new aws.s3.BucketServerSideEncryptionConfigurationV2(`${name}-encryption`, {
      bucket: bucket.id,
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms' } }],
    }, { parent: this, provider: args.home.provider });

    this.bucket = bucket.bucket;
    this.bucketRegion = args.home.region;
    this.keyId = key.keyId;
    this.keyArns = pulumi
      .all([key.arn, ...replicaKeys.map((r) => r.key.arn)])
      .apply(([home, ...others]) => ({ [args.home.region]: home!, ...Object.fromEntries(replicaKeys.map((r, i) => [r.region, others[i]!])) }));
    this.registerOutputs({ bucket: this.bucket, keyArns: this.keyArns });
  }
}
