import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { StackSettings } from '../settings.js';

export interface TrafficRoutingArgs {
  deployment: string;
  traffic: StackSettings['traffic'];
  primaryRegion: string;
  /** Each region's origin, primary first. */
  origins: readonly { region: string; origin: string }[];
  /** Route 53's control-plane region (us-east-1). */
  route53Provider: aws.Provider;
  /** ARC's configuration region (us-west-2). */
  arcProvider: aws.Provider;
}

export interface RegionalRouting {
  region: string;
  routingControlArn: pulumi.Output<string>;
  /** The Route 53 health check of the region's origin: a signal the controller reads. */
  originHealthCheckId: pulumi.Output<string>;
}

/**
 * Public traffic: the public zone, a Route 53 health check per region's origin, and one public record
 * per region whose health follows that region's ARC routing control. Flipping a routing control
 * (an ARC data-plane call) moves traffic with no Route 53 control-plane call, which is what keeps
 * failover working while us-east-1's control plane is impaired. An assertion rule keeps at least
 * one region on, so no update can leave every record unhealthy (which Route 53 would answer fail-open).
 *
 * New routing controls start Off; until an operator turns the primary's control On, Route 53 treats
 * every record as healthy and spreads traffic across regions.
 */
export class TrafficRouting extends pulumi.ComponentResource {
  readonly publicZoneId: pulumi.Output<string>;
  readonly clusterArn: pulumi.Output<string>;
  readonly clusterEndpoints: pulumi.Output<{ region: string; url: string }[]>;
  readonly controlPanelArn: pulumi.Output<string>;
  readonly regions: RegionalRouting[] = [];

  constructor(name: string, args: TrafficRoutingArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('fcp:infra:TrafficRouting', name, {}, opts);
    const route53 = { parent: this, provider: args.route53Provider };
    const arc = { parent: this, provider: args.arcProvider };
    const { traffic } = args;

    this.publicZoneId = traffic.zone.id !== undefined
      ? pulumi.output(traffic.zone.id)
      : new aws.route53.Zone(`${name}-public`, { name: traffic.zone.name, comment: `${args.deployment}: public names` }, route53).zoneId;

    const cluster = new aws.route53recoverycontrol.Cluster(`${name}-arc`, { name: `${args.deployment}-arc` }, arc);
    const controlPanel = new aws.route53recoverycontrol.ControlPanel(`${name}-arc`, {
      name: `${args.deployment}-traffic`,
      clusterArn: cluster.arn,
    }, arc);
    this.clusterArn = cluster.arn;
    this.controlPanelArn = controlPanel.arn;
    this.clusterEndpoints = cluster.clusterEndpoints.apply((endpoints) =>
      endpoints.map((endpoint) => ({ region: endpoint.region, url: endpoint.endpoint })),
    );

    const routingControls: pulumi.Output<string>[] = [];
    for (const { region, origin } of args.origins) {
      const control = new aws.route53recoverycontrol.RoutingControl(`${name}-${region}`, {
        name: `${args.deployment}-${region}`,
        clusterArn: cluster.arn,
        controlPanelArn: controlPanel.arn,
      }, arc);
      routingControls.push(control.arn);

      const controlCheck = new aws.route53.HealthCheck(`${name}-${region}-control`, {
        type: 'RECOVERY_CONTROL',
        routingControlArn: control.arn,
        tags: { Name: `${args.deployment} ${region} routing control` },
      }, route53);
      const originCheck = new aws.route53.HealthCheck(`${name}-${region}-origin`, {
        type: traffic.healthCheck.port === 80 ? 'HTTP' : 'HTTPS',
        fqdn: origin,
        port: traffic.healthCheck.port,
        resourcePath: traffic.healthCheck.path,
        requestInterval: traffic.healthCheck.interval,
        failureThreshold: traffic.healthCheck.failureThreshold,
        tags: { Name: `${args.deployment} ${region} origin` },
      }, route53);

      new aws.route53.Record(`${name}-${region}`, {
        zoneId: this.publicZoneId,
        name: traffic.publicName,
        type: 'CNAME',
        ttl: traffic.ttl,
        records: [origin],
        setIdentifier: region,
        healthCheckId: controlCheck.id,
        ...(traffic.routing === 'failover'
          ? { failoverRoutingPolicies: [{ type: region === args.primaryRegion ? 'PRIMARY' : 'SECONDARY' }] }
          : { weightedRoutingPolicies: [{ weight: 100 }] }),
      }, route53);

      this.regions.push({ region, routingControlArn: control.arn, originHealthCheckId: originCheck.id });
    }

    new aws.route53recoverycontrol.SafetyRule(`${name}-at-least-one-on`, {
      name: `${args.deployment}-at-least-one-region`,
      controlPanelArn: controlPanel.arn,
      assertedControls: routingControls,
      waitPeriodMs: 5000,
      ruleConfig: { type: 'ATLEAST', threshold: 1, inverted: false },
    }, arc);

    this.registerOutputs({ publicZoneId: this.publicZoneId, controlPanelArn: this.controlPanelArn });
  }
}
