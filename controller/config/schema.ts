import { z } from 'zod';
import { notificationsSchema } from './notifications.js';
import { duration } from '../../kernel/duration.js';
import { detection, probe } from './detection.js';
import { regionName, identifier, httpUrl, arn, rdsIdentifier, clusterArn, dnsName, port, perRegion } from './fields.js';

/**
 * The controller's configuration. Validated once at the edge (`loadConfig`); inside, the parsed
 * `Config` type is trusted. Every message says what is wrong and how to fix it.
 */


const region = z.strictObject({
  name: regionName,
  role: z.enum(['primary', 'standby'], 'must be "primary" or "standby"'),
});

const service = z.strictObject({
  name: identifier,
  /** A region is failed only when a critical service fails there; others only degrade it. */
  critical: z.boolean().default(true),
  /** The health URL of this service in each region. */
  endpoints: perRegion(httpUrl),
});

const approval = z
  .strictObject({
    /** Two-person rule: a manual failover runs only after a different approver approves. */
    required: z.boolean().default(false),
    window: duration({ min: 1000 }).default(15 * 60_000),
  })
  .prefault({});

const failover = z
  .strictObject({
    /** Fail over on health loss without a human. Off means decisions are only reported. */
    automatic: z.boolean().default(true),
    /** Most data (as replication lag) an unplanned failover may lose. */
    rpoBudget: duration().default(5000),
    /** Minimum time between two flips. */
    cooldown: duration().default(10 * 60_000),
    maxFlips: z.number().int().min(1).default(2),
    /**
     * Attempts of a whole plan step (each making its own retried AWS calls) before the step fails;
     * the step's deadline bounds them too. A throttling storm is ridden out, not failed on.
     */
    stepAttempts: z.number().int().min(1).max(100).default(15),
    /**
     * After a flip's plan fails, the lease holding that ran it waits this long (doubling with each
     * further failure, up to the cooldown) before it tries the same target again; another holding
     * (a new lease holder) may try at once.
     */
    retryBackoff: duration({ min: 1000 }).default(30_000),
    flipWindow: duration({ min: 1000 }).default(60 * 60_000),
    approval,
  })
  .prefault({});

const arcTraffic = z.strictObject({
  mechanism: z.literal('arc'),
  publicName: dnsName,
  /** The five regional data-plane endpoints of the ARC cluster; they are tried in turn. */
  clusterEndpoints: z
    .array(z.strictObject({ region: regionName, url: httpUrl }))
    .length(5, 'an ARC cluster has exactly five regional endpoints; list all five from the cluster description'),
  /** One routing control per region; On means the region takes traffic. */
  routingControls: perRegion(arn('route53-recovery-control')),
  perEndpointTimeout: duration({ min: 50 }).default(1500),
});

const route53Traffic = z.strictObject({
  mechanism: z.literal('route53'),
  publicName: dnsName,
  hostedZoneId: z.string().regex(/^(\/hostedzone\/)?Z[A-Z0-9]{1,31}$/, 'must be a hosted zone id such as "Z0123456789ABC"'),
  recordType: z.enum(['A', 'AAAA', 'CNAME']).default('CNAME'),
  ttl: z.number().int().min(0).max(60, 'health-checked records should have a TTL of 60 seconds or less'),
  /** The weighted records this controller owns: one per region, identified by its set identifier. */
  records: perRegion(z.strictObject({ setIdentifier: z.string().min(1), value: z.string().min(1) })),
  /** How long to wait for GetChange to report INSYNC. */
  syncDeadline: duration({ min: 1000 }).default(120_000),
});

const traffic = z.discriminatedUnion('mechanism', [arcTraffic, route53Traffic], {
  error: 'mechanism must be "arc" (ARC routing controls) or "route53" (weighted records)',
});

const auroraGlobal = z.strictObject({
  engine: z.literal('aurora-global'),
  globalClusterIdentifier: rdsIdentifier,
  /** Each region's member cluster of the global database. */
  clusters: perRegion(
    z.strictObject({
      arn: clusterArn,
      /** The cluster's own endpoints, which the DB endpoint records point at. */
      writerEndpoint: z.string().min(1),
      readerEndpoint: z.string().min(1),
    }),
  ),
  /**
   * The global cluster's writer endpoint, which Aurora keeps pointing at the writer through a
   * switchover or failover. When set, the writer record is a CNAME to it and a failover changes no
   * DNS record: the failover path then needs no Route 53 API call (the control plane lives in
   * us-east-1 and may be down with it). Without it, the writer record is flipped by the plan.
   */
  globalWriterEndpoint: z.string().min(1).optional(),
  /** DB endpoint CNAMEs in a private zone that the apps use for writes and reads. */
  endpointRecords: z.strictObject({
    hostedZoneId: z.string().regex(/^(\/hostedzone\/)?Z[A-Z0-9]{1,31}$/, 'must be a hosted zone id such as "Z0123456789ABC"'),
    writer: dnsName,
    readers: perRegion(dnsName),
    ttl: z.number().int().min(0).max(60, 'DB endpoint records should have a TTL of 60 seconds or less').default(5),
  }),
  /** Longest wait for a switchover or failover to finish. */
  promoteDeadline: duration({ min: 1000 }).default(10 * 60_000),
});

const store = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('embedded'),
    /** Where the embedded DynamoDB-compatible store keeps its data. */
    dataDir: z.string().min(1).default('.data/store'),
    tableName: z.string().min(3).default('fcp-state'),
    leaseTtl: duration({ min: 1000 }).default(10_000),
  }),
  z.strictObject({
    kind: z.literal('dynamodb'),
    tableName: z.string().min(3),
    leaseTtl: duration({ min: 1000 }).default(10_000),
  }),
], { error: 'kind must be "embedded" (local dynalite) or "dynamodb" (a DynamoDB table)' });

const api = z
  .strictObject({
    host: z.string().default('127.0.0.1'),
    port: port.default(8080),
    /** Per-region port overrides, for several replicas on one host (the sandbox). */
    ports: perRegion(port).optional(),
    /**
     * Bearer tokens, stored as the SHA-256 (hex) of the token, never the token itself. Roles nest:
     * approver can do what operator can, operator what viewer can.
     */
    tokens: z
      .array(
        z.strictObject({
          /** Who holds the token: the actor in the audit trail. */
          name: z.string().regex(/^[A-Za-z0-9._@/-]{1,64}$/, 'use letters, digits and . _ @ / - (at most 64 characters)'),
          role: z.enum(['viewer', 'operator', 'approver'], 'must be "viewer", "operator" or "approver"'),
          sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be the SHA-256 of the token as 64 lower-case hex digits (e.g. `printf %s "$TOKEN" | sha256sum`)'),
          /**
           * The last moment the token is accepted; after it the API answers 401 "expired". A date
           * and time with its zone, or epoch milliseconds (the parsed form, so configs round-trip).
           */
          notAfter: z
            .union([z.iso.datetime({ offset: true }).transform((at) => Date.parse(at)), z.number().int().min(0)], {
              error: 'must be a date and time with its zone, such as "2026-06-30T00:00:00Z"',
            })
            .optional(),
        }),
      )
      .default([]),
    /**
     * Failed authentications from one client address allowed per window before it gets 429. The
     * count is kept in the state store, so it is shared by every replica.
     */
    authFailureLimit: z.number().int().min(1).default(10),
    authFailureWindow: duration({ min: 1000 }).default(60_000),
    /** How long a repeated Idempotency-Key returns the first answer; after that the key is new again. */
    idempotencyTtl: duration({ min: 60_000 }).default(24 * 3_600_000),
  })
  .superRefine((api, ctx) => {
    const hashes = api.tokens.map((t) => t.sha256);
    hashes.forEach((hash, index) => {
      if (hashes.indexOf(hash) !== index) ctx.addIssue({ code: 'custom', path: ['tokens', index, 'sha256'], message: 'the same token is listed twice; give each holder their own token' });
    });
  })
  .prefault({});

const aws = z
  .strictObject({
    /** Endpoint overrides (the sandbox). Omit for AWS's own endpoints. */
    endpoints: z
      .strictObject({
        route53: httpUrl.optional(),
        rds: perRegion(httpUrl).optional(),
        /** Replication lag is read from CloudWatch (`AuroraGlobalDBRPOLag`). */
        cloudwatch: perRegion(httpUrl).optional(),
        dynamodb: httpUrl.optional(),
        sns: httpUrl.optional(),
        /** IAM (policy simulation) and STS (caller identity), for readiness's permission proof. */
        iam: httpUrl.optional(),
        sts: httpUrl.optional(),
        /** KMS (signing audit checkpoints) and S3 (keeping them), with `audit.checkpoints.mode: aws`. */
        kms: httpUrl.optional(),
        s3: httpUrl.optional(),
      })
      .prefault({}),
    /**
     * `default`: the SDK's credential chain (the task role in AWS). `static`: the replica in region R
     * signs with access key `<accessKeyIdPrefix><R>`, so the sandbox can tell replicas apart.
     */
    credentials: z
      .discriminatedUnion('mode', [
        z.strictObject({ mode: z.literal('default') }),
        z.strictObject({ mode: z.literal('static'), accessKeyIdPrefix: z.string().min(1), secretAccessKey: z.string().min(1) }),
      ])
      .default({ mode: 'default' }),
    connectTimeout: duration({ min: 50 }).default(1000),
    requestTimeout: duration({ min: 100 }).default(3000),
    retry: z
      .strictObject({
        base: duration({ min: 1 }).default(100),
        cap: duration({ min: 1 }).default(2000),
        maxAttempts: z.number().int().min(1).max(10).default(4),
      })
      .prefault({}),
  })
  .prefault({});

/**
 * Signed checkpoints of the audit chain's head, kept where the store's writers cannot rewrite them,
 * so that `fcp audit --verify` finds truncation, re-chaining, forged records and a wiped chain.
 */
const checkpoints = z.discriminatedUnion(
  'mode',
  [
    /** The sandbox and single-machine use: an Ed25519 key file and an append-only checkpoint file in `dir`. */
    z.strictObject({ mode: z.literal('local'), dir: z.string().min(1).default('.data/audit'), every: duration({ min: 1000 }).default(30_000) }),
    /** Production: an asymmetric KMS key signs (the controller can use it, not export it); checkpoints go to an S3 bucket with Object Lock in compliance mode. */
    z.strictObject({
      mode: z.literal('aws'),
      /** The KMS key (ECC_NIST_P256, SIGN_VERIFY); a multi-Region key lets every region's replica sign in its own region. */
      kmsKeyId: z.string().min(1),
      bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name (lower case letters, digits, "." and "-")'),
      /** The bucket's region. */
      bucketRegion: regionName,
      prefix: z.string().default('audit-checkpoints/'),
      every: duration({ min: 1000 }).default(30_000),
    }),
  ],
  { error: 'mode must be "local" (a key file and a checkpoint file) or "aws" (KMS and S3 Object Lock)' },
);

const audit = z.strictObject({ checkpoints: checkpoints.prefault({ mode: 'local' }) }).prefault({});

const signals = z
  .strictObject({
    /** Route 53 health checks per region, read as one extra vantage point (`route53`). */
    route53HealthChecks: perRegion(z.string().min(1)).optional(),
  })
  .prefault({});

export const configSchema = z
  .strictObject({
    /** Deployment name: shows in logs, audit records and the lease key. */
    name: identifier,
    regions: z.array(region).min(2, 'list at least two regions: one primary and one standby'),
    services: z.array(service).min(1, 'list at least one service to probe'),
    probe,
    detection,
    failover,
    traffic,
    database: auroraGlobal,
    store,
    api,
    aws,
    signals,
    audit,
    /** Where decisions, plan progress and refusals are announced (webhook, SNS). */
    notifications: notificationsSchema,
    /** Settings only the local sandbox reads (sandbox/config-schema.ts); the controller ignores them. */
    sandbox: z.record(z.string(), z.unknown()).optional(),
  })
  .superRefine((config, ctx) => {
    const names = config.regions.map((r) => r.name);
    const known = new Set(names);
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });

    names.forEach((name, index) => {
      if (names.indexOf(name) !== index) issue(['regions', index, 'name'], `"${name}" is listed twice; each region appears once`);
    });
    const primaries = config.regions.filter((r) => r.role === 'primary').length;
    if (primaries !== 1) issue(['regions'], `exactly one region must have role "primary" (found ${primaries})`);

    /** A per-region map must name every region, and only those. */
    const coversRegions = (map: Record<string, unknown> | undefined, path: (string | number)[], what: string) => {
      if (!map) return;
      for (const name of names) if (!(name in map)) issue(path, `missing ${what} for region "${name}"`);
      for (const key of Object.keys(map)) {
        if (!known.has(key)) issue([...path, key], `"${key}" is not one of the configured regions (${names.join(', ')})`);
      }
    };

    const serviceNames = config.services.map((s) => s.name);
    config.services.forEach((s, index) => {
      if (serviceNames.indexOf(s.name) !== index) issue(['services', index, 'name'], `service "${s.name}" is listed twice`);
      coversRegions(s.endpoints, ['services', index, 'endpoints'], 'an endpoint');
    });
    if (!config.services.some((s) => s.critical)) {
      issue(['services'], 'mark at least one service `critical: true`; a region is judged failed by its critical services');
    }

    if (config.traffic.mechanism === 'arc') coversRegions(config.traffic.routingControls, ['traffic', 'routingControls'], 'a routing control');
    else coversRegions(config.traffic.records, ['traffic', 'records'], 'a weighted record');
    coversRegions(config.database.clusters, ['database', 'clusters'], 'a cluster');
    coversRegions(config.database.endpointRecords.readers, ['database', 'endpointRecords', 'readers'], 'a reader record');
    coversRegions(config.api.ports, ['api', 'ports'], 'a port');
    coversRegions(config.signals.route53HealthChecks, ['signals', 'route53HealthChecks'], 'a health check id');
    for (const key of Object.keys(config.notifications.sns?.topicArns ?? {})) {
      if (!known.has(key)) issue(['notifications', 'sns', 'topicArns', key], `"${key}" is not one of the configured regions (${names.join(', ')})`);
    }
    coversRegions(config.aws.endpoints.rds, ['aws', 'endpoints', 'rds'], 'an RDS endpoint');
    coversRegions(config.aws.endpoints.cloudwatch, ['aws', 'endpoints', 'cloudwatch'], 'a CloudWatch endpoint');

    // Vantage points are the replicas (one per region) plus Route 53's checkers when configured.
    const vantagePoints = names.length + (config.signals.route53HealthChecks ? 1 : 0);
    if (config.detection.quorum > vantagePoints) {
      issue(['detection', 'quorum'], `quorum ${config.detection.quorum} is more than the ${vantagePoints} vantage points available; lower it`);
    }
    if (config.probe.timeout >= config.probe.interval) {
      issue(['probe', 'timeout'], 'must be shorter than probe.interval so probes never overlap');
    }
    if (config.detection.ratioWindow < config.detection.window) {
      issue(['detection', 'ratioWindow'], 'must be at least detection.window');
    }
    if (config.detection.degradedRatio > config.detection.failureRatio) {
      issue(['detection', 'degradedRatio'], 'must not exceed detection.failureRatio');
    }
    if (config.detection.writerTimeout + config.probe.interval > config.detection.staleAfter) {
      issue(['detection', 'writerTimeout'], 'must leave at least one probe.interval before detection.staleAfter, or the writer\'s signal goes stale while reads of a hanging writer wait');
    }
    if (config.detection.staleAfter < config.probe.interval * 2) {
      issue(['detection', 'staleAfter'], 'must be at least twice probe.interval, or every signal would look stale');
    }
    if (config.aws.retry.cap < config.aws.retry.base) issue(['aws', 'retry', 'cap'], 'must be at least aws.retry.base');
  });

export type ConfigInput = z.input<typeof configSchema>;
export type Config = z.output<typeof configSchema>;

