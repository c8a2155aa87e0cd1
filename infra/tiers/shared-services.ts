import { AuditCheckpoints } from '../components/audit-checkpoints.js';
import { ARC_CONTROL_REGION, ROUTE53_CONTROL_REGION, type RegionProviders, type RegionRole } from '../components/providers.js';
import { StateTable } from '../components/state-table.js';
import { TrafficRouting } from '../components/traffic-routing.js';
import { orderedRegions, stateTableConsistency, stateTableName, type SharedSettings } from '../settings.js';

/** Each region's role as the providers' tags name it: the home region is `primary`, the others `standby`. */
export function regionRoles(settings: Pick<SharedSettings, 'regions' | 'primaryRegion'>, only?: string): Map<string, RegionRole> {
  return new Map(
    orderedRegions(settings)
      .filter((r) => only === undefined || r.name === only)
      .map((r) => [r.name, r.name === settings.primaryRegion ? 'primary' : 'standby']),
  );
}

/**
 * What the deployment has once, whatever its layout: public traffic routing (zone, health checks,
 * ARC), the controller's state table and the audit checkpoints. The state table and the audit
 * bucket live in the home region; every other region gets replicas.
 */
export function declareSharedServices(settings: SharedSettings, providers: RegionProviders) {
  const deployment = settings.name;
  const regions = orderedRegions(settings);
  const [home, ...replicaRegions] = regions.map((r) => r.name);
  if (!home) throw new Error('the settings list no regions');

  const routing = new TrafficRouting(`${deployment}-traffic`, {
    deployment,
    traffic: settings.traffic,
    primaryRegion: settings.primaryRegion,
    origins: regions.map((r) => ({ region: r.name, origin: r.appOrigin })),
    route53Provider: providers.forRegion(ROUTE53_CONTROL_REGION),
    arcProvider: providers.forRegion(ARC_CONTROL_REGION),
  });
  const consistency = stateTableConsistency(settings);
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
  return { routing, table, consistency, checkpoints };
}
