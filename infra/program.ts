import * as pulumi from '@pulumi/pulumi';
import { AuroraGlobal, DATABASE_PORTS } from './components/aurora-global.js';
import { ControllerService } from './components/controller-service.js';
import { DatabaseEndpoints } from './components/database-endpoints.js';
import { ARC_CONTROL_REGION, ROUTE53_CONTROL_REGION, RegionProviders, type RegionRole } from './components/providers.js';
import { RegionStack } from './components/region-stack.js';
import { AuditCheckpoints } from './components/audit-checkpoints.js';
import { CHECKPOINT_PREFIX } from './outputs.js';
import { StateTable } from './components/state-table.js';
import { TrafficRouting } from './components/traffic-routing.js';
import { renderControllerConfigYaml } from './controller-config.js';
import type { ControllerConfigSource, DeploymentOutputs } from './outputs.js';
import { controllerEgressPorts, orderedRegions, stateTableConsistency, stateTableName, type StackSettings } from './settings.js';

/** Each key is one stack output; together they match `DeploymentOutputs`. */
export type StackOutputs = { [K in keyof DeploymentOutputs]: pulumi.Output<DeploymentOutputs[K]> };

const byRegion = <T>(entries: readonly { region: string; value: pulumi.Input<T> }[]): pulumi.Output<Record<string, T>> =>
  pulumi.all(entries.map((e) => e.value)).apply((values) =>
    Object.fromEntries(entries.map((e, index) => [e.region, values[index] as T])),
  );

/** Declares the whole deployment from validated settings: config -> components -> outputs. */
export function defineInfrastructure(settings: StackSettings): StackOutputs {
  const deployment = settings.name;
  const regions = orderedRegions(settings);
  const regionNames = regions.map((r) => r.name);
  const roles = new Map<string, RegionRole>(regions.map((r) => [r.name, r.name === settings.primaryRegion ? 'primary' : 'standby']));
  const providers = new RegionProviders(deployment, roles);
  const databasePort = DATABASE_PORTS[settings.database.engine];

  const stacks = regions.map((region) => new RegionStack(`${deployment}-${region.name}`, {
    deployment,
    region,
    apiPort: settings.controller.apiPort,
    databasePort,
    egressPorts: controllerEgressPorts(settings),
  }, { provider: providers.forRegion(region.name) }));

  const aurora = new AuroraGlobal(`${deployment}-db`, { deployment, database: settings.database, regions: stacks });

  const routing = new TrafficRouting(`${deployment}-traffic`, {
    deployment,
    traffic: settings.traffic,
    primaryRegion: settings.primaryRegion,
    origins: regions.map((r) => ({ region: r.name, origin: r.appOrigin })),
    route53Provider: providers.forRegion(ROUTE53_CONTROL_REGION),
    arcProvider: providers.forRegion(ARC_CONTROL_REGION),
  });

  const dbEndpoints = new DatabaseEndpoints(`${deployment}-db-endpoints`, {
    deployment,
    zoneName: settings.database.privateZoneName,
    ttl: settings.database.endpointTtl,
    vpcs: stacks.map((stack) => ({ region: stack.region, vpcId: stack.network.vpcId })),
    clusters: aurora.clusters,
    globalWriterEndpoint: aurora.globalWriterEndpoint,
    provider: providers.forRegion(ROUTE53_CONTROL_REGION),
  });

  const consistency = stateTableConsistency(settings);
  const [home, ...replicaRegions] = regionNames;
  if (!home) throw new Error('the settings list no regions');
  const table = new StateTable(`${deployment}-state`, {
    tableName: stateTableName(settings),
    consistency,
    home: { region: home, provider: providers.forRegion(home) },
    replicaRegions,
  });

  const checkpoints = new AuditCheckpoints(`${deployment}-audit`, {
    deployment,
    home: { region: home, provider: providers.forRegion(home) },
    replicas: replicaRegions.map((region) => ({ region, provider: providers.forRegion(region) })),
    retentionDays: settings.audit.retentionDays,
  });

  const source = {
    deployment: pulumi.output(deployment),
    primaryRegion: pulumi.output(settings.primaryRegion),
    regions: pulumi.output(regionNames),
    services: pulumi.output(settings.services),
    traffic: pulumi.output({
      publicName: settings.traffic.publicName,
      publicZoneId: routing.publicZoneId,
      routing: settings.traffic.routing,
      ttl: settings.traffic.ttl,
      clusterArn: routing.clusterArn,
      clusterEndpoints: routing.clusterEndpoints,
      controlPanelArn: routing.controlPanelArn,
      routingControls: byRegion(routing.regions.map((r) => ({ region: r.region, value: r.routingControlArn }))),
      originHealthChecks: byRegion(routing.regions.map((r) => ({ region: r.region, value: r.originHealthCheckId }))),
    }),
    database: pulumi.output({
      globalClusterIdentifier: aurora.globalClusterIdentifier,
      globalClusterArn: aurora.globalClusterArn,
      globalWriterEndpoint: aurora.globalWriterEndpoint,
      clusters: byRegion(aurora.clusters.map((c) => ({
        region: c.region,
        value: pulumi.output({ arn: c.arn, writerEndpoint: c.writerEndpoint, readerEndpoint: c.readerEndpoint }),
      }))),
      endpointRecords: {
        hostedZoneId: dbEndpoints.zoneId,
        writer: dbEndpoints.writerName,
        readers: dbEndpoints.readerNames,
        ttl: settings.database.endpointTtl,
      },
    }),
    stateTable: pulumi.output({ name: table.tableName, consistency, arns: table.arns }),
    auditCheckpoints: pulumi.output({ keyId: checkpoints.keyId, keyArns: checkpoints.keyArns, bucket: checkpoints.bucket, bucketRegion: checkpoints.bucketRegion }),
  };
  const configSource: pulumi.Output<ControllerConfigSource> = pulumi
    .output(source)
    .apply((values) => ({ ...values, controller: { apiPort: settings.controller.apiPort } }));
  const configYaml = configSource.apply(renderControllerConfigYaml);

  // Each region's role: only the private zone is read (public traffic moves through ARC routing
  // controls) and only the state table's replica in its own region is written.
  const permissionsIn = (region: string) => pulumi.all([source.traffic, source.database, source.stateTable, source.auditCheckpoints]).apply(([traffic, database, state, audit]) => ({
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

  const controllers = stacks.map((stack) => ({
    region: stack.region,
    service: new ControllerService(`${deployment}-${stack.region}-controller`, {
      deployment,
      region: stack.region,
      settings: settings.controller,
      network: stack.network,
      configYaml,
      permissions: permissionsIn(stack.region),
    }, { provider: stack.provider }),
  }));

  return {
    ...source,
    controller: pulumi.output({
      apiPort: settings.controller.apiPort,
      regions: byRegion(controllers.map(({ region, service }) => ({
        region,
        value: pulumi.output({
          cluster: service.clusterName,
          service: service.serviceName,
          repositoryUrl: service.repositoryUrl,
          logGroup: service.logGroupName,
          alarmTopicArn: service.alarmTopicArn,
          configParameter: service.configParameterName,
        }),
      }))),
    }),
  };
}
