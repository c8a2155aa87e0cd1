import YAML from 'yaml';
import type { ConfigInput } from '../controller/config/schema.js';
import { CHECKPOINT_PREFIX, type ControllerConfigSource } from './outputs.js';

/**
 * Renders the controller config (the `examples/aws.yaml` shape) from the stack's outputs. Only the
 * deployment's facts come from the stack; detection and failover tuning keep the controller's
 * defaults, to be reviewed and adjusted in the rendered file. The program stores the same rendering
 * in each region's SSM parameter, which the controller task reads at start.
 */
export function renderControllerConfig(source: ControllerConfigSource): ConfigInput {
  const { traffic, database } = source;
  return {
    name: source.deployment,
    regions: source.regions.map((name) => ({ name, role: name === source.primaryRegion ? 'primary' : 'standby' })),
    services: source.services.map((service) => ({ name: service.name, critical: service.critical, endpoints: { ...service.endpoints } })),
    traffic: {
      mechanism: 'arc',
      publicName: traffic.publicName,
      clusterEndpoints: traffic.clusterEndpoints.map((endpoint) => ({ region: endpoint.region, url: endpoint.url })),
      routingControls: { ...traffic.routingControls },
    },
    database: {
      engine: 'aurora-global',
      globalClusterIdentifier: database.globalClusterIdentifier,
      globalWriterEndpoint: database.globalWriterEndpoint,
      clusters: Object.fromEntries(
        Object.entries(database.clusters).map(([region, cluster]) => [
          region,
          { arn: cluster.arn, writerEndpoint: cluster.writerEndpoint, readerEndpoint: cluster.readerEndpoint },
        ]),
      ),
      endpointRecords: {
        hostedZoneId: database.endpointRecords.hostedZoneId,
        writer: database.endpointRecords.writer,
        readers: { ...database.endpointRecords.readers },
        ttl: database.endpointRecords.ttl,
      },
    },
    store: { kind: 'dynamodb', tableName: source.stateTable.name },
    // In the task the API listens on every interface so the container health check and the VPC reach it.
    api: { host: '0.0.0.0', port: source.controller.apiPort },
    signals: { route53HealthChecks: { ...traffic.originHealthChecks } },
    // The key's id is the same in every region (a multi-Region key): each replica signs in its own region.
    audit: { checkpoints: { mode: 'aws', kmsKeyId: source.auditCheckpoints.keyId, bucket: source.auditCheckpoints.bucket, bucketRegion: source.auditCheckpoints.bucketRegion, prefix: CHECKPOINT_PREFIX } },
  };
}

/** The rendered config as a YAML document with a header saying where it came from. */
export function renderControllerConfigYaml(source: ControllerConfigSource): string {
  const header = [
    `# Controller config for "${source.deployment}", rendered from the Pulumi stack's outputs.`,
    '# Deployment facts come from the stack; detection and failover settings are the controller defaults.',
    '# Validate with `fcp config validate <file>`.',
  ].join('\n');
  return `${header}\n${YAML.stringify(renderControllerConfig(source))}`;
}
