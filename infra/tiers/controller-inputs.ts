import * as pulumi from '@pulumi/pulumi';
import type { GlobalClusterOutputs } from '../components/aurora-global.js';
import { renderControllerConfigYaml } from '../controller-config.js';
import { CHECKPOINT_PREFIX, type ControllerConfigSource, type DeploymentOutputs } from '../outputs.js';
import { orderedRegions, writerRegion, type SharedSettings } from '../settings.js';
import type { declareSharedServices } from './shared-services.js';

type In<T> = pulumi.Input<T>;
export type Lifted<T> = { [K in keyof T]-?: pulumi.Output<NonNullable<T[K]>> };

export const byRegion = <T>(entries: readonly { region: string; value: In<T> }[]): pulumi.Output<Record<string, T>> =>
  pulumi.all(entries.map((e) => e.value)).apply((values) => Object.fromEntries(entries.map((e, index) => [e.region, values[index] as T])));

/** What the shared tier makes that others need: the global cluster, traffic routing, the state table, the audit checkpoints. */
export interface SharedParts {
  globalCluster: { identifier: In<string>; arn: In<string>; writerEndpoint: In<string> };
  traffic: { publicZoneId: In<string>; clusterArn: In<string>; clusterEndpoints: In<{ region: string; url: string }[]>; controlPanelArn: In<string>; routingControls: In<Record<string, string>>; originHealthChecks: In<Record<string, string>> };
  stateTable: { name: In<string>; consistency: 'strong' | 'eventual'; arns: In<string[]> };
  auditCheckpoints: { keyId: In<string>; keyArns: In<Record<string, string>>; bucket: In<string>; bucketRegion: string };
}

/** The shared parts from the components that declared them (one stack, or the shared stack). */
export function sharedParts(services: ReturnType<typeof declareSharedServices>, global: GlobalClusterOutputs): SharedParts {
  const { routing, table, consistency, checkpoints } = services;
  return {
    globalCluster: { identifier: global.identifier, arn: global.arn, writerEndpoint: global.writerEndpoint },
    traffic: {
      publicZoneId: routing.publicZoneId,
      clusterArn: routing.clusterArn,
      clusterEndpoints: routing.clusterEndpoints,
      controlPanelArn: routing.controlPanelArn,
      routingControls: byRegion(routing.regions.map((r) => ({ region: r.region, value: r.routingControlArn }))),
      originHealthChecks: byRegion(routing.regions.map((r) => ({ region: r.region, value: r.originHealthCheckId }))),
    },
    stateTable: { name: table.tableName, consistency, arns: table.arns },
    auditCheckpoints: { keyId: checkpoints.keyId, keyArns: checkpoints.keyArns, bucket: checkpoints.bucket, bucketRegion: checkpoints.bucketRegion },
  };
}

export interface ClusterEndpoints {
  arn: In<string>;
  writerEndpoint: In<string>;
  readerEndpoint: In<string>;
}

/** Everything the controller config is rendered from but the controller's own outputs: the deployment's facts. */
export type DeploymentSource = Lifted<Omit<DeploymentOutputs, 'controller'>>;

export function deploymentSource(
  settings: SharedSettings,
  shared: SharedParts,
  clusters: readonly { region: string; value: ClusterEndpoints }[],
  endpointRecords: { hostedZoneId: In<string>; writer: string; readers: Record<string, string> },
): DeploymentSource {
  const { traffic } = settings;
  return {
    deployment: pulumi.output(settings.name),
    primaryRegion: pulumi.output(settings.primaryRegion),
    writerRegion: pulumi.output(writerRegion(settings)),
    regions: pulumi.output(orderedRegions(settings).map((r) => r.name)),
    services: pulumi.output(settings.services),
    traffic: pulumi.output({ publicName: traffic.publicName, routing: traffic.routing, ttl: traffic.ttl, ...shared.traffic }),
    database: pulumi.output({
      globalClusterIdentifier: shared.globalCluster.identifier,
      globalClusterArn: shared.globalCluster.arn,
      globalWriterEndpoint: shared.globalCluster.writerEndpoint,
      clusters: byRegion(clusters.map((c) => ({ region: c.region, value: pulumi.output(c.value) }))),
      endpointRecords: { ...endpointRecords, ttl: settings.database.endpointTtl },
    }),
    stateTable: pulumi.output(shared.stateTable),
    auditCheckpoints: pulumi.output(shared.auditCheckpoints),
  };
}

/** The controller config every region's controller reads (its SSM parameter). */
export function controllerConfigYaml(source: DeploymentSource, apiPort: number): pulumi.Output<string> {
  const config: pulumi.Output<ControllerConfigSource> = pulumi.output(source).apply((values) => ({ ...values, controller: { apiPort } }));
  return config.apply(renderControllerConfigYaml);
}

/**
 * What one region's controller may act on: only the private zone is read (public traffic moves
 * through ARC routing controls) and only the state table's replica in its own region is written.
 */
export function controllerPermissions(source: DeploymentSource, region: string) {
  return pulumi.all([source.traffic, source.database, source.stateTable, source.auditCheckpoints]).apply(([traffic, database, state, audit]) => ({
    changeZoneIds: [database.endpointRecords.hostedZoneId],
    readZoneIds: [database.endpointRecords.hostedZoneId],
    recordNames: [database.endpointRecords.writer, ...Object.values(database.endpointRecords.readers)],
    healthCheckIds: Object.values(traffic.originHealthChecks),
    routingControlArns: Object.values(traffic.routingControls),
    globalClusterArn: database.globalClusterArn,
    clusterArns: Object.values(database.clusters).map((c) => c.arn),
    tableArns: state.arns.filter((arn) => arn.split(':')[3] === region),
    checkpointKeyArn: audit.keyArns[region]!,
    checkpointObjects: `arn:aws:s3:::${audit.bucket}/${CHECKPOINT_PREFIX}*`,
  }));
}

/** Where each region's controller runs: the stack outputs' `controller`. */
export type ControllerPlacement = DeploymentOutputs['controller']['regions'][string];

export function controllerOutputs(apiPort: number, regions: readonly { region: string; value: { [K in keyof ControllerPlacement]: In<string> } }[]): pulumi.Output<DeploymentOutputs['controller']> {
  return pulumi.output({ apiPort, regions: byRegion(regions.map(({ region, value }) => ({ region, value: pulumi.output(value) }))) });
}
