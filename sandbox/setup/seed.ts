import type { AwsCheckpointsSpec, SandboxSpec } from '../spec.js';
import { bareKeyId, keyArn } from '../kms/keys.js';
import type { DefaultRetention } from '../s3/buckets.js';
import type { GlobalDatabaseSeed } from '../rds/index.js';
import type { RecordSetInput, SeedHealthCheck, SeedZone } from '../route53/index.js';
import type { AppAddress } from './layout.js';
import { sandboxSettings } from '../config-schema.js';

/** The public zone's id when the config names none (ARC mode: the controller never edits the zone). */
export const DEFAULT_PUBLIC_ZONE_ID = 'ZSANDBOXPUBLIC';
/** Route 53 health checks run every 10 s in AWS; the sandbox scales that by `healthCheckTimeScale`. */
const HEALTH_CHECK_INTERVAL_S = 10;
const HEALTH_CHECK_FAILURE_THRESHOLD = 3;
/** How long a checkpoint stays locked: infra's default (`audit.retentionDays`). */
const CHECKPOINT_RETENTION: DefaultRetention = { mode: 'COMPLIANCE', days: 400 };

/** The checkpoint settings when the config signs with KMS and keeps checkpoints in S3 (`audit.checkpoints.mode: aws`). */
export function awsCheckpoints(config: SandboxSpec): AwsCheckpointsSpec | undefined {
  const checkpoints = config.audit?.checkpoints;
  return checkpoints?.mode === 'aws' ? checkpoints : undefined;
}

/**
 * The checkpoint signing key's ARN in each region: a multi-Region key, the same id everywhere (the
 * regions of the deployment and the bucket's).
 */
export function checkpointKeyArns(config: SandboxSpec, checkpoints: AwsCheckpointsSpec, account: string): Record<string, string> {
  const key = { keyId: bareKeyId(checkpoints.kmsKeyId), account };
  return Object.fromEntries(checkpointKeyRegions(config, checkpoints).map((region) => [region, keyArn(key, region)]));
}

const checkpointKeyRegions = (config: SandboxSpec, checkpoints: AwsCheckpointsSpec): string[] => [...new Set([...config.regions.map((r) => r.name), checkpoints.bucketRegion])];

/** `audit.checkpoints.mode: aws`: the signing key in every region and the Object Lock bucket. */
export interface CheckpointSeed {
  keyId: string;
  regions: string[];
  bucket: string;
  bucketRegion: string;
  retention: DefaultRetention;
}

/** ARC mode: one routing control per region (ARN by region), only `onRegion`'s On. */
export interface RoutingControlSeed {
  controls: Record<string, string>;
  onRegion: string;
}

/** Everything the sandbox creates from the config, as plain data (built before anything starts). */
export interface SeedPlan {
  /** Created first: records refer to them. */
  healthChecks: SeedHealthCheck[];
  publicZone: SeedZone;
  privateZone: SeedZone;
  globalDatabase: GlobalDatabaseSeed;
  /** ARC mode only; the ARC cluster adds the "at least one On" assertion rule. */
  routingControls?: RoutingControlSeed;
  auditCheckpoints?: CheckpointSeed;
}

/** What `fcp sandbox up --json` reports under `resources`. */
export interface SeededResources {
  publicZoneId: string;
  privateZoneId: string;
  publicName: string;
  globalClusterId: string;
  clusters: Record<string, string>;
  routingControls: Record<string, string>;
  /** With `audit.checkpoints.mode: aws`: the signing key's ARN per region and the bucket. */
  auditCheckpoints?: { keyArns: Record<string, string>; bucket: string };
}

/** `login.auth.sandbox` -> `auth.sandbox`: the zone a name lives in (itself when it has two labels). */
export function parentZone(name: string): string {
  const labels = name.split('.');
  return labels.length > 2 ? labels.slice(1).join('.') : name;
}

/** The longest label suffix shared by every name: the private zone that holds the DB records. */
export function commonZone(names: readonly string[]): string {
  const split = names.map((n) => n.split('.').reverse());
  const shared: string[] = [];
  for (let i = 0; split.every((labels) => labels.length > i + 1 && labels[i] === split[0]?.[i]); i++) shared.push(split[0]?.[i] ?? '');
  return shared.reverse().join('.');
}

export const recoveryControlCheckId = (region: string) => `sandbox-rc-${region}`;

export function seedPlan(config: SandboxSpec, apps: Record<string, AppAddress>): SeedPlan {
  const primary = config.regions.find((r) => r.role === 'primary')?.name ?? '';
  const { traffic, database } = config;
  const app = (region: string): AppAddress => apps[region] as AppAddress;

  const healthChecks: SeedHealthCheck[] = Object.entries(config.signals.route53HealthChecks ?? {}).map(([region, id]) => ({
    id,
    config: {
      type: 'HTTP',
      ipAddress: app(region).host,
      port: app(region).port,
      resourcePath: app(region).healthPaths[0] ?? '/',
      requestInterval: HEALTH_CHECK_INTERVAL_S,
      failureThreshold: HEALTH_CHECK_FAILURE_THRESHOLD,
    },
  }));

  let publicRecords: RecordSetInput[];
  let publicZoneId: string;
  let routingControls: RoutingControlSeed | undefined;
  if (traffic.mechanism === 'arc') {
    publicZoneId = DEFAULT_PUBLIC_ZONE_ID;
    routingControls = { controls: traffic.routingControls, onRegion: primary };
    for (const [region, arn] of Object.entries(traffic.routingControls)) {
      healthChecks.push({ id: recoveryControlCheckId(region), config: { type: 'RECOVERY_CONTROL', routingControlArn: arn } });
    }
    // Equal weights: the routing controls' health checks decide which regions answer.
    publicRecords = Object.keys(traffic.routingControls).map((region) => ({
      name: traffic.publicName,
      type: 'A',
      ttl: sandboxSettings(config).publicRecordTtl,
      values: [app(region).host],
      setIdentifier: region,
      weight: 1,
      healthCheckId: recoveryControlCheckId(region),
    }));
  } else {
    publicZoneId = traffic.hostedZoneId.replace(/^\/hostedzone\//, '');
    publicRecords = Object.entries(traffic.records).map(([region, record]) => ({
      name: traffic.publicName,
      type: traffic.recordType,
      ttl: traffic.ttl,
      values: [record.value],
      setIdentifier: record.setIdentifier,
      weight: region === primary ? 100 : 0,
    }));
    // CNAME targets inside the public zone get an address, so clients can follow them to the app.
    const zone = parentZone(traffic.publicName);
    if (traffic.recordType === 'CNAME') {
      for (const [region, record] of Object.entries(traffic.records)) {
        const target = record.value.replace(/\.$/, '').toLowerCase();
        if (target.endsWith(`.${zone}`)) publicRecords.push({ name: target, type: 'A', ttl: traffic.ttl, values: [app(region).host] });
      }
    }
  }

  const records = database.endpointRecords;
  const privateZoneName = commonZone([records.writer, ...Object.values(records.readers)]);
  const writerEndpoint = database.globalWriterEndpoint ?? database.clusters[primary]?.writerEndpoint ?? '';
  const checkpoints = awsCheckpoints(config);

  return {
    healthChecks,
    publicZone: { id: publicZoneId, name: parentZone(traffic.publicName), comment: 'public zone seeded by the sandbox', records: publicRecords },
    privateZone: {
      id: records.hostedZoneId.replace(/^\/hostedzone\//, ''),
      name: privateZoneName,
      vpc: { region: primary, id: 'vpc-sandbox' },
      comment: 'DB endpoint records seeded by the sandbox',
      records: [
        { name: records.writer, type: 'CNAME', ttl: records.ttl, values: [writerEndpoint] },
        ...Object.entries(records.readers).map(([region, name]) => ({
          name,
          type: 'CNAME',
          ttl: records.ttl,
          values: [database.clusters[region]?.readerEndpoint ?? ''],
        })),
      ],
    },
    globalDatabase: {
      globalClusterIdentifier: database.globalClusterIdentifier,
      ...(database.globalWriterEndpoint !== undefined && { endpoint: database.globalWriterEndpoint }),
      writerRegion: primary,
      clusters: Object.fromEntries(
        Object.entries(database.clusters).map(([region, c]) => [region, { arn: c.arn, writerEndpoint: c.writerEndpoint, readerEndpoint: c.readerEndpoint }]),
      ),
    },
    ...(routingControls ? { routingControls } : {}),
    ...(checkpoints && {
      auditCheckpoints: {
        keyId: bareKeyId(checkpoints.kmsKeyId),
        regions: checkpointKeyRegions(config, checkpoints),
        bucket: checkpoints.bucket,
        bucketRegion: checkpoints.bucketRegion,
        retention: CHECKPOINT_RETENTION,
      },
    }),
  };
}

export function seededResources(config: SandboxSpec, plan: SeedPlan, account: string): SeededResources {
  const checkpoints = awsCheckpoints(config);
  return {
    publicZoneId: plan.publicZone.id,
    privateZoneId: plan.privateZone.id,
    publicName: config.traffic.publicName,
    globalClusterId: config.database.globalClusterIdentifier,
    clusters: Object.fromEntries(Object.entries(config.database.clusters).map(([region, c]) => [region, c.arn])),
    routingControls: { ...plan.routingControls?.controls },
    ...(checkpoints && { auditCheckpoints: { keyArns: checkpointKeyArns(config, checkpoints, account), bucket: checkpoints.bucket } }),
  };
}
