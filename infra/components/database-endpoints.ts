import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';

export interface DatabaseEndpointsArgs {
  deployment: string;
  zoneName: string;
  ttl: number;
  /** Every region's VPC, associated with the private zone so apps everywhere resolve the same names. */
  vpcs: readonly { region: string; vpcId: pulumi.Input<string> }[];
  /** The global database's clusters' reader endpoints, primary first. */
  clusters: readonly { region: string; readerEndpoint: pulumi.Input<string> }[];
  /** The global writer endpoint, which follows the writer by itself. */
  globalWriterEndpoint: pulumi.Input<string>;
  provider: aws.Provider;
}

/**
 * The names apps use for the database, in a private zone shared by every region's VPC:
 * `writer.<zone>` (a CNAME to the global writer endpoint, so a failover changes no writer record) and
 * `reader.<region>.<zone>` (each region's readers). During a failover the controller repoints a lost
 * region's reader name at a surviving region, so the program sets the values only at creation.
 */
export class DatabaseEndpoints extends pulumi.ComponentResource {
  readonly zoneId: pulumi.Output<string>;
  readonly writerName: string;
  readonly readerNames: Record<string, string> = {};

  constructor(name: string, args: DatabaseEndpointsArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('fcp:infra:DatabaseEndpoints', name, {}, opts);
    const child = { parent: this, provider: args.provider };
    const zone = new aws.route53.Zone(`${name}-private`, {
      name: args.zoneName,
      comment: `${args.deployment}: database endpoints`,
      vpcs: args.vpcs.map(({ region, vpcId }) => ({ vpcId, vpcRegion: region })),
    }, child);
    this.zoneId = zone.zoneId;

    this.writerName = `writer.${args.zoneName}`;
    new aws.route53.Record(`${name}-writer`, {
      zoneId: zone.zoneId,
      name: this.writerName,
      type: 'CNAME',
      ttl: args.ttl,
      records: [args.globalWriterEndpoint],
    }, { ...child, ignoreChanges: ['records'] });

    for (const cluster of args.clusters) {
      const readerName = `reader.${cluster.region}.${args.zoneName}`;
      this.readerNames[cluster.region] = readerName;
      new aws.route53.Record(`${name}-reader-${cluster.region}`, {
        zoneId: zone.zoneId,
        name: readerName,
        type: 'CNAME',
        ttl: args.ttl,
        records: [cluster.readerEndpoint],
      }, { ...child, ignoreChanges: ['records'] });
    }
    this.registerOutputs({ zoneId: this.zoneId });
  }
}
