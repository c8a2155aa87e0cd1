import * as pulumi from '@pulumi/pulumi';
import { InputError } from '../../kernel/errors.js';
import { AuroraGlobal, DATABASE_PORTS } from '../components/aurora-global.js';
import { ControllerService } from '../components/controller-service.js';
import { RegionProviders } from '../components/providers.js';
import { RegionStack } from '../components/region-stack.js';
import type { RegionOutputs } from '../outputs.js';
import { controllerEgressPorts } from '../settings.js';
import type { RegionStackSettings } from '../stack-tiers.js';
import type { Lifted } from './controller-inputs.js';
import { readShared } from './references.js';
import { regionRoles } from './shared-services.js';

/**
 * One region's stack: its KMS key and network, its member of the global database with instances,
 * and its controller service. It reads the shared stack (settings, the global cluster) and nothing
 * of another region, so applying it changes this region only.
 */
export async function defineRegionTier(region: RegionStackSettings): Promise<Lifted<RegionOutputs>> {
  const { settings, outputs: shared } = await readShared(region.shared);
  const entry = settings.regions.find((r) => r.name === region.name);
  if (!entry) {
    throw new InputError(`${region.name} is not a region of the deployment ${settings.name}`, [`name: the shared stack ${region.shared} lists ${settings.regions.map((r) => r.name).join(', ')}`]);
  }
  const deployment = settings.name;
  const providers = new RegionProviders(deployment, regionRoles(settings, region.name));
  const stack = new RegionStack(`${deployment}-${region.name}`, {
    deployment,
    region: { ...entry, network: region.network },
    apiPort: settings.controller.apiPort,
    databasePort: DATABASE_PORTS[settings.database.engine],
    egressPorts: controllerEgressPorts(settings),
  }, { provider: providers.forRegion(region.name) });
  const aurora = new AuroraGlobal(`${deployment}-db`, {
    deployment,
    database: settings.database,
    homeRegion: settings.primaryRegion,
    global: { identifier: shared.globalCluster.identifier },
    members: [stack],
  });
  const controller = new ControllerService(`${deployment}-${region.name}-controller`, {
    deployment,
    region: region.name,
    runtime: { settings: settings.controller, network: stack.network },
  }, { provider: stack.provider });
  const [cluster] = aurora.clusters;
  const runtime = controller.runtime!;
  return {
    region: pulumi.output(region.name),
    vpcId: stack.network.vpcId,
    cluster: pulumi.output({ arn: cluster!.arn, writerEndpoint: cluster!.writerEndpoint, readerEndpoint: cluster!.readerEndpoint }),
    controller: pulumi.output({
      cluster: runtime.clusterName,
      service: runtime.serviceName,
      repositoryUrl: runtime.repositoryUrl,
      logGroup: runtime.logGroupName,
      alarmTopicArn: runtime.alarmTopicArn,
      configParameter: controller.configParameterName,
      taskRoleName: runtime.taskRoleName,
      taskRoleArn: runtime.taskRoleArn,
    }),
  };
}
