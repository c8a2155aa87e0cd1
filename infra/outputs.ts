import { z } from 'zod';

/**
 * The stack's outputs, as `pulumi stack output --json` prints them: everything the controller
 * config needs, plus where each region's controller runs. `infra:config` validates a file against
 * this before rendering, so a truncated or stale outputs file is reported, not half-rendered.
 */

const perRegion = <T extends z.ZodType>(value: T) => z.record(z.string(), value);

export const deploymentOutputsSchema = z.object({
  deployment: z.string().min(1),
  primaryRegion: z.string().min(1),
  /** Primary first, then the standbys. */
  regions: z.array(z.string().min(1)).min(2),
  services: z.array(z.object({ name: z.string(), critical: z.boolean(), endpoints: perRegion(z.string()) })).min(1),
  traffic: z.object({
    publicName: z.string().min(1),
    publicZoneId: z.string().min(1),
    routing: z.enum(['weighted', 'failover']),
    ttl: z.number().int(),
    clusterArn: z.string().min(1),
    clusterEndpoints: z.array(z.object({ region: z.string(), url: z.string() })),
    controlPanelArn: z.string().min(1),
    routingControls: perRegion(z.string().min(1)),
    originHealthChecks: perRegion(z.string().min(1)),
  }),
  database: z.object({
    globalClusterIdentifier: z.string().min(1),
    globalClusterArn: z.string().min(1),
    globalWriterEndpoint: z.string().min(1),
    clusters: perRegion(z.object({ arn: z.string().min(1), writerEndpoint: z.string().min(1), readerEndpoint: z.string().min(1) })),
    endpointRecords: z.object({
      hostedZoneId: z.string().min(1),
      writer: z.string().min(1),
      readers: perRegion(z.string().min(1)),
      ttl: z.number().int(),
    }),
  }),
  stateTable: z.object({ name: z.string().min(1), consistency: z.enum(['strong', 'eventual']), arns: z.array(z.string()) }),
  /** The audit chain's checkpoints: the signing key (its id, and its ARN in each region) and the Object Lock bucket. */
  auditCheckpoints: z.object({ keyId: z.string().min(1), keyArns: perRegion(z.string().min(1)), bucket: z.string().min(1), bucketRegion: z.string().min(1) }),
  controller: z.object({
    apiPort: z.number().int(),
    regions: perRegion(z.object({
      cluster: z.string().min(1),
      service: z.string().min(1),
      repositoryUrl: z.string().min(1),
      logGroup: z.string().min(1),
      alarmTopicArn: z.string().min(1),
      configParameter: z.string().min(1),
    })),
  }),
});

export type DeploymentOutputs = z.output<typeof deploymentOutputsSchema>;

/** Where in the audit bucket the controller writes checkpoints (its role may write only there). */
export const CHECKPOINT_PREFIX = 'audit-checkpoints/';

/** What the controller config is rendered from: the outputs that exist before the controller service does. */
export type ControllerConfigSource = Omit<DeploymentOutputs, 'controller'> & { controller: Pick<DeploymentOutputs['controller'], 'apiPort'> };
