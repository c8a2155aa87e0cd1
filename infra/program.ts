import type * as pulumi from '@pulumi/pulumi';
import { AuroraGlobal, DATABASE_PORTS } from './components/aurora-global.js';
import { ControllerService } from './components/controller-service.js';
import { DatabaseEndpoints } from './components/database-endpoints.js';
import { ROUTE53_CONTROL_REGION, RegionProviders } from './components/providers.js';
import { RegionStack } from './components/region-stack.js';
import type { DeploymentOutputs } from './outputs.js';
import { controllerEgressPorts, orderedRegions, type StackSettings } from './settings.js';
import { controllerConfigYaml, controllerOutputs, controllerPermissions, deploymentSource, sharedParts } from './tiers/controller-inputs.js';
import { declareSharedServices, regionRoles } from './tiers/shared-services.js';

/** Each key is one stack output; together they match `DeploymentOutputs`. */
export type StackOutputs = { [K in keyof DeploymentOutputs]-?: pulumi.Output<NonNullable<DeploymentOutputs[K]>> };

/**
 * Declares the whole deployment in one stack from validated settings: config -> components ->
 * outputs. The split layout (`tiers/`) declares the same resources, under the same names, in a
 * shared stack, one stack per region and an endpoints stack.
 */
export function defineInfrastructure(settings: StackSettings): StackOutputs {
  const deployment = settings.name;
  const regions = orderedRegions(settings);
  const providers = new RegionProviders(deployment, regionRoles(settings));

  const stacks = regions.map((region) => new RegionStack(`${deployment}-${region.name}`, {
    deployment,
    region,
    apiPort: settings.controller.apiPort,
    databasePort: DATABASE_PORTS[settings.database.engine],
    egressPorts: controllerEgressPorts(settings),
  }, { provider: providers.forRegion(region.name) }));

  const aurora = new AuroraGlobal(`${deployment}-db`, {
    deployment,
    database: settings.database,
    homeRegion: settings.primaryRegion,
    global: { create: providers.forRegion(settings.primaryRegion) },
    members: stacks,
  });
  const shared = sharedParts(declareSharedServices(settings, providers), aurora.global!);

  const dbEndpoints = new DatabaseEndpoints(`${deployment}-db-endpoints`, {
    deployment,
    zoneName: settings.database.privateZoneName,
    ttl: settings.database.endpointTtl,
    vpcs: stacks.map((stack) => ({ region: stack.region, vpcId: stack.network.vpcId })),
    clusters: aurora.clusters,
    globalWriterEndpoint: aurora.global!.writerEndpoint,
    provider: providers.forRegion(ROUTE53_CONTROL_REGION),
  });

  const source = deploymentSource(settings, shared, aurora.clusters.map((c) => ({ region: c.region, value: { arn: c.arn, writerEndpoint: c.writerEndpoint, readerEndpoint: c.readerEndpoint } })), {
    hostedZoneId: dbEndpoints.zoneId,
    writer: dbEndpoints.writerName,
    readers: dbEndpoints.readerNames,
  });
  const configYaml = controllerConfigYaml(source, settings.controller.apiPort);

  const controllers = stacks.map((stack) => {
    const service = new ControllerService(`${deployment}-${stack.region}-controller`, {
      deployment,
      region: stack.region,
      runtime: { settings: settings.controller, network: stack.network },
      wiring: { configYaml, permissions: controllerPermissions(source, stack.region) },
    }, { provider: stack.provider });
    const runtime = service.runtime!;
    return {
      region: stack.region,
      value: { cluster: runtime.clusterName, service: runtime.serviceName, repositoryUrl: runtime.repositoryUrl, logGroup: runtime.logGroupName, alarmTopicArn: runtime.alarmTopicArn, configParameter: service.configParameterName },
    };
  });

  return { ...source, controller: controllerOutputs(settings.controller.apiPort, controllers) };
}
