import * as pulumi from '@pulumi/pulumi';
import { AuroraGlobal } from '../components/aurora-global.js';
import { RegionProviders } from '../components/providers.js';
import type { SharedOutputs } from '../outputs.js';
import type { SharedSettings } from '../settings.js';
import { sharedParts, type Lifted } from './controller-inputs.js';
import { declareSharedServices, regionRoles } from './shared-services.js';

/**
 * The shared stack: what the deployment has once and what needs no region's stack (the global
 * cluster without members, public traffic routing, the state table, the audit checkpoints). Its
 * outputs carry the deployment-wide settings, so a region's stack applies what the shared stack was
 * last applied with: a deployment-wide setting reaches the regions one rollout step at a time.
 */
export function defineSharedTier(settings: SharedSettings): Lifted<SharedOutputs> {
  const providers = new RegionProviders(settings.name, regionRoles(settings));
  const aurora = new AuroraGlobal(`${settings.name}-db`, {
    deployment: settings.name,
    database: settings.database,
    homeRegion: settings.primaryRegion,
    global: { create: providers.forRegion(settings.primaryRegion) },
    members: [],
  });
  const parts = sharedParts(declareSharedServices(settings, providers), aurora.global!);
  return {
    settings: pulumi.output<unknown>(settings),
    globalCluster: pulumi.output(parts.globalCluster),
    traffic: pulumi.output(parts.traffic),
    stateTable: pulumi.output(parts.stateTable),
    auditCheckpoints: pulumi.output(parts.auditCheckpoints),
  };
}
