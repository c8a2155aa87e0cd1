import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { RDSClient } from '@aws-sdk/client-rds';
import { Route53Client } from '@aws-sdk/client-route-53';
import { Route53RecoveryClusterClient } from '@aws-sdk/client-route53-recovery-cluster';
import { STSClient } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Config } from '../config/schema.js';
import type { RegionName } from '../domain/types.js';

/** Route 53's control plane (changes, GetChange, health-check status) is served from us-east-1 only. */
export const ROUTE53_CONTROL_REGION = 'us-east-1';
/** IAM's control plane (policy simulation) is global, served from us-east-1. */
export const IAM_CONTROL_REGION = 'us-east-1';

type AwsSettings = Config['aws'];

interface Destroyable {
  destroy(): void;
}

/**
 * Builds and caches one SDK client per (service, region or endpoint) from the config:
 * explicit connect and request timeouts, `maxAttempts: 1` (AwsCaller's policy retries, not the
 * SDK's), the sandbox's endpoint overrides, and credentials: the default chain, or in `static` mode
 * the replica's own access key `<accessKeyIdPrefix><its region>`.
 */
export class AwsClients {
  private readonly cache = new Map<string, Destroyable>();

  constructor(
    private readonly aws: AwsSettings,
    /** The region of the replica that makes the calls: it names the static access key. */
    private readonly replicaRegion: RegionName,
  ) {}

  route53(): Route53Client {
    return this.cached('route53', () => new Route53Client(this.options(ROUTE53_CONTROL_REGION, this.aws.endpoints.route53)));
  }

  rds(region: RegionName): RDSClient {
    return this.cached(`rds:${region}`, () => new RDSClient(this.options(region, this.aws.endpoints.rds?.[region])));
  }

  cloudwatch(region: RegionName): CloudWatchClient {
    return this.cached(`cloudwatch:${region}`, () => new CloudWatchClient(this.options(region, this.aws.endpoints.cloudwatch?.[region])));
  }

  iam(): IAMClient {
    return this.cached('iam', () => new IAMClient(this.options(IAM_CONTROL_REGION, this.aws.endpoints.iam)));
  }

  /** STS in the replica's own region (regional STS keeps working when another region's does not). */
  sts(): STSClient {
    return this.cached('sts', () => new STSClient(this.options(this.replicaRegion, this.aws.endpoints.sts)));
  }

  kms(region: RegionName): KMSClient {
    return this.cached(`kms:${region}`, () => new KMSClient(this.options(region, this.aws.endpoints.kms)));
  }

  s3(region: RegionName): S3Client {
    return this.cached(`s3:${region}`, () => new S3Client({ ...this.options(region, this.aws.endpoints.s3), forcePathStyle: this.aws.endpoints.s3 !== undefined }));
  }

  /** An ARC cluster's data-plane endpoint: each of the five is its own client, signed for its region. */
  arc(endpoint: { region: RegionName; url: string }): Route53RecoveryClusterClient {
    return this.cached(`arc:${endpoint.url}`, () => new Route53RecoveryClusterClient(this.options(endpoint.region, endpoint.url)));
  }

  /**
   * Drops every cached client so the next call resolves credentials afresh (the default chain
   * caches them inside each client). Returns false when that cannot help: static credentials.
   */
  refreshCredentials(): boolean {
    if (this.aws.credentials.mode === 'static') return false;
    this.destroy();
    return true;
  }

  /** Closes every client's connections. */
  destroy(): void {
    for (const client of this.cache.values()) client.destroy();
    this.cache.clear();
  }

  private cached<T extends Destroyable>(key: string, build: () => T): T {
    let client = this.cache.get(key) as T | undefined;
    if (!client) {
      client = build();
      this.cache.set(key, client);
    }
    return client;
  }

  private options(region: RegionName, endpoint: string | undefined) {
    const credentials = this.aws.credentials;
    return {
      region,
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler({
        connectionTimeout: this.aws.connectTimeout,
        requestTimeout: this.aws.requestTimeout,
        throwOnRequestTimeout: true,
      }),
      ...(endpoint ? { endpoint } : {}),
      ...(credentials.mode === 'static'
        ? { credentials: { accessKeyId: `${credentials.accessKeyIdPrefix}${this.replicaRegion}`, secretAccessKey: credentials.secretAccessKey } }
        : {}),
    };
  }
}
