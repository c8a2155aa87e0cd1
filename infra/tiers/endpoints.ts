import { InputError } from '../../kernel/errors.js';
import { ControllerService } from '../components/controller-service.js';
import { DatabaseEndpoints } from '../components/database-endpoints.js';
import { ROUTE53_CONTROL_REGION, RegionProviders } from '../components/providers.js';
import type { StackOutputs } from '../program.js';
import { orderedRegions } from '../settings.js';
import type { EndpointsStackSettings } from '../stack-tiers.js';
import { controllerConfigYaml, controllerOutputs, controllerPermissions, deploymentSource } from './controller-inputs.js';
import { readRegion, readShared } from './references.js';
import { regionRoles } from './shared-services.js';

/**
 * The endpoints stack: what needs every region, so it comes after them all and nothing waits for
 * it. The private DB endpoint zone is associated with every region's VPC; each region's controller
 * config names every region's cluster, and its task role's policy every region's resources. Its
 * outputs are the whole deployment's (the controller config renders from them).
 */
export async function defineEndpointsTier(endpoints: EndpointsStackSettings): Promise<StackOutputs> {
  const { settings, outputs: shared } = await readShared(endpoints.shared);
  const names = orderedRegions(settings).map((r) => r.name);
  const problems = [
    ...names.filter((name) => !(name in endpoints.regions)).map((name) => `regions.${name}: name the stack of ${name}`),
    ...Object.keys(endpoints.regions).filter((name) => !names.includes(name)).map((name) => `regions.${name}: not a region of the deployment (${names.join(', ')})`),
  ];
  if (problems.length > 0) throw new InputError(`the endpoints stack must name one stack per region of ${settings.name}`, problems);
  const regions = await Promise.all(names.map((name) => readRegion(name, endpoints.regions[name]!)));
  regions.forEach((r, index) => {
    if (r.region !== names[index]) throw new InputError(`the stack named for ${names[index]} is the stack of ${r.region}`, [`regions.${names[index]}: ${endpoints.regions[names[index]!]}`]);
  });

  const deployment = settings.name;
  const providers = new RegionProviders(deployment, regionRoles(settings));
  const dbEndpoints = new DatabaseEndpoints(`${deployment}-db-endpoints`, {
    deployment,
    zoneName: settings.database.privateZoneName,
    ttl: settings.database.endpointTtl,
    vpcs: regions.map((r) => ({ region: r.region, vpcId: r.vpcId })),
    clusters: regions.map((r) => ({ region: r.region, readerEndpoint: r.cluster.readerEndpoint })),
    globalWriterEndpoint: shared.globalCluster.writerEndpoint,
    provider: providers.forRegion(ROUTE53_CONTROL_REGION),
  });
  const source = deploymentSource(settings, shared, regions.map((r) => ({ region: r.region, value: r.cluster })), {
    hostedZoneId: dbEndpoints.zoneId,
    writer: dbEndpoints.writerName,
    readers: dbEndpoints.readerNames,
  });
  const configYaml = controllerConfigYaml(source, settings.controller.apiPort);
  for (const r of regions) {
    new ControllerService(`${deployment}-${r.region}-controller`, {
      deployment,
      region: r.region,
      wiring: { configYaml, permissions: controllerPermissions(source, r.region), taskRole: { name: r.controller.taskRoleName, arn: r.controller.taskRoleArn } },
    }, { provider: providers.forRegion(r.region) });
  }
  return {
    ...source,
    controller: controllerOutputs(settings.controller.apiPort, regions.map(({ region, controller: { taskRoleName: _name, taskRoleArn: _arn, ...placement } }) => ({ region, value: placement }))),
  };
}
