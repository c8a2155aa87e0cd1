import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { SharedSettings, StackSettings } from '../settings.js';
import type { RegionStack } from './region-stack.js';

export const DATABASE_PORTS: Record<StackSettings['database']['engine'], number> = {
  'aurora-postgresql': 5432,
  'aurora-mysql': 3306,
};

/**
 * Cluster arguments that only the home region's cluster is given, or that AWS changes when the writer
 * moves (a secondary reports the writer it replicates from): kept at their live value after creation
 * on every member alike. After a switchover or failover the controller has moved the writer; a
 * preview must not propose to move it back, detach a member or replace a cluster.
 */
const AFTER_CREATION = ['databaseName', 'manageMasterUserPassword', 'masterUserSecretKmsKeyId', 'masterUsername', 'replicationSourceIdentifier'];

export interface AuroraGlobalArgs {
  deployment: string;
  database: SharedSettings['database'];
  /** The home region: the global cluster is created there, and its member with the master user. */
  homeRegion: string;
  /** Create the global cluster (on the home region's provider), or join members to one another stack created. */
  global: { create: aws.Provider } | { identifier: pulumi.Input<string> };
  /**
   * The member clusters declared here: every region (one stack), none (the shared stack) or the
   * region's own (a region's stack). The same component name in every stack keeps the resources'
   * URNs equal but for the stack, so `pulumi state move` splits a one-stack deployment as it is.
   */
  members: readonly RegionStack[];
}

export interface GlobalClusterOutputs {
  identifier: pulumi.Output<string>;
  arn: pulumi.Output<string>;
  /** The global writer endpoint: Aurora keeps it on the current writer through switchover and failover. */
  writerEndpoint: pulumi.Output<string>;
}

export interface RegionalCluster {
  region: string;
  identifier: pulumi.Output<string>;
  arn: pulumi.Output<string>;
  writerEndpoint: pulumi.Output<string>;
  readerEndpoint: pulumi.Output<string>;
}

/**
 * An Aurora global database: the global cluster, the primary cluster and one secondary cluster per
 * standby region. Every cluster has instances (a headless secondary cannot be a switchover or failover
 * target), its own region's KMS key, deletion protection and backups; engine versions are pinned and
 * equal, which managed switchover and failover require.
 */
export class AuroraGlobal extends pulumi.ComponentResource {
  /** The global cluster, when this component created it. */
  readonly global?: GlobalClusterOutputs;
  readonly clusters: RegionalCluster[] = [];

  constructor(name: string, args: AuroraGlobalArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('fcp:infra:AuroraGlobal', name, {}, opts);
    const { database } = args;
    let globalIdentifier: pulumi.Input<string>;
    if ('create' in args.global) {
      const global = new aws.rds.GlobalCluster(`${name}-global`, {
        globalClusterIdentifier: `${args.deployment}-global`,
        engine: database.engine,
        engineVersion: database.engineVersion,
        databaseName: database.databaseName,
        storageEncrypted: true,
        deletionProtection: true,
      }, { parent: this, provider: args.global.create });
      this.global = { identifier: global.globalClusterIdentifier, arn: global.arn, writerEndpoint: global.endpoint };
      globalIdentifier = global.globalClusterIdentifier;
    } else {
      globalIdentifier = args.global.identifier;
    }

    const home = args.members.find((m) => m.region === args.homeRegion);
    const homeCluster = home && this.addCluster(name, args, home, globalIdentifier, {
      databaseName: database.databaseName,
      masterUsername: 'fcp_admin',
      // RDS keeps the master password in Secrets Manager, encrypted with the region's key; it never
      // appears in the stack's state.
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: home.keyArn,
    }, []);
    for (const standby of args.members.filter((m) => m !== home)) {
      // A secondary joins once the home cluster has its writer instance: in one stack by dependency,
      // across stacks by applying the home region's stack first when the deployment is created.
      this.addCluster(name, args, standby, globalIdentifier, {}, homeCluster ? [homeCluster.cluster, ...homeCluster.instances] : []);
    }
    this.registerOutputs({ clusters: this.clusters.map((c) => c.arn) });
  }

  private addCluster(
    name: string,
    args: AuroraGlobalArgs,
    region: RegionStack,
    globalIdentifier: pulumi.Input<string>,
    extra: Partial<aws.rds.ClusterArgs>,
    dependsOn: pulumi.Resource[],
  ): { cluster: aws.rds.Cluster; instances: aws.rds.ClusterInstance[] } {
    const { database } = args;
    const child = { parent: this, provider: region.provider };
    const identifier = `${args.deployment}-${region.region}`;
    const subnets = new aws.rds.SubnetGroup(`${name}-${region.region}`, {
      name: identifier,
      description: `${identifier}: the controller network's private subnets`,
      subnetIds: region.network.privateSubnetIds,
    }, child);
    const cluster = new aws.rds.Cluster(`${name}-${region.region}`, {
      clusterIdentifier: identifier,
      globalClusterIdentifier: globalIdentifier,
      engine: database.engine,
      engineVersion: database.engineVersion,
      port: DATABASE_PORTS[database.engine],
      storageEncrypted: true,
      kmsKeyId: region.keyArn,
      deletionProtection: true,
      backupRetentionPeriod: database.backupRetentionDays,
      copyTagsToSnapshot: true,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: `${identifier}-final`,
      dbSubnetGroupName: subnets.name,
      vpcSecurityGroupIds: [region.network.databaseSecurityGroupId],
      ...extra,
    }, { ...child, dependsOn, ignoreChanges: AFTER_CREATION });

    const instances: aws.rds.ClusterInstance[] = [];
    for (let index = 1; index <= database.instancesPerRegion; index++) {
      instances.push(new aws.rds.ClusterInstance(`${name}-${region.region}-${index}`, {
        identifier: `${identifier}-${index}`,
        clusterIdentifier: cluster.id,
        engine: database.engine,
        engineVersion: database.engineVersion,
        instanceClass: database.instanceClass,
        dbSubnetGroupName: subnets.name,
        publiclyAccessible: false,
        // The version is pinned; upgrades go through a reviewed change to the whole global database.
        autoMinorVersionUpgrade: false,
      }, child));
    }

    this.clusters.push({
      region: region.region,
      identifier: cluster.clusterIdentifier,
      arn: cluster.arn,
      writerEndpoint: cluster.endpoint,
      readerEndpoint: cluster.readerEndpoint,
    });
    return { cluster, instances };
  }
}
