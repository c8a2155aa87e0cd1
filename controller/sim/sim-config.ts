import type { ConfigInput } from '../config/schema.js';

/** The parts of a controller config that a scenario chooses; everything else is filler the engine never reads. */
export interface SimulatedDeployment {
  regions: { name: string; role: 'primary' | 'standby' }[];
  services: { name: string; critical: boolean }[];
  probe?: unknown;
  detection?: unknown;
  failover?: unknown;
  /** Whether Route 53 health checks are read as an extra vantage point. */
  route53: boolean;
}

/**
 * A complete controller config input for a simulated deployment, so that the scenario's probe,
 * detection and failover settings pass the same validation (cross-field rules included) as a real
 * config. Endpoints, ARNs and zones are placeholders on the reserved `.invalid` domain: the
 * simulator never calls them.
 */
export function simulationConfigInput(deployment: SimulatedDeployment): ConfigInput {
  const names = deployment.regions.map((r) => r.name);
  const perRegion = <T>(make: (region: string) => T): Record<string, T> => Object.fromEntries(names.map((name) => [name, make(name)]));
  const arcEndpointRegions = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2', 'ap-northeast-1'];
  const input: Record<string, unknown> = {
    name: 'simulation',
    regions: deployment.regions,
    services: deployment.services.map((s) => ({ ...s, endpoints: perRegion((r) => `http://${s.name}.${r}.sim.invalid/health`) })),
    traffic: {
      mechanism: 'arc',
      publicName: 'login.sim.invalid',
      clusterEndpoints: arcEndpointRegions.map((region) => ({ region, url: `http://arc.${region}.sim.invalid` })),
      routingControls: perRegion((r) => `arn:aws:route53-recovery-control::000000000000:controlpanel/sim/routingcontrol/${r}`),
    },
    database: {
      engine: 'aurora-global',
      globalClusterIdentifier: 'sim-global',
      clusters: perRegion((r) => ({
        arn: `arn:aws:rds:${r}:000000000000:cluster:sim-${r}`,
        writerEndpoint: `sim-${r}.cluster.sim.invalid`,
        readerEndpoint: `sim-${r}.cluster-ro.sim.invalid`,
      })),
      endpointRecords: { hostedZoneId: 'ZSIMULATION', writer: 'writer.db.sim.invalid', readers: perRegion((r) => `reader.${r}.db.sim.invalid`) },
    },
    store: { kind: 'embedded' },
  };
  if (deployment.probe !== undefined) input.probe = deployment.probe;
  if (deployment.detection !== undefined) input.detection = deployment.detection;
  if (deployment.failover !== undefined) input.failover = deployment.failover;
  if (deployment.route53) input.signals = { route53HealthChecks: perRegion((r) => `sim-hc-${r}`) };
  return input as ConfigInput;
}
