import type { GlobalDatabase } from './global-database.js';
import { xmlList, type XmlValue } from './query-protocol.js';
import type { ClusterRecord, GlobalClusterRecord, InstanceRecord } from './records.js';

/** The RDS API shapes (GlobalCluster, DBCluster, DBInstance) of the emulated records, as XML values. */

type XmlObject = { readonly [element: string]: XmlValue };

const PORT = 5432;

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function renderGlobalCluster(db: GlobalDatabase, global: GlobalClusterRecord): XmlObject {
  const operation = global.operation;
  return {
    GlobalClusterIdentifier: global.id,
    GlobalClusterResourceId: global.resourceId,
    GlobalClusterArn: global.arn,
    Status: operation ? (operation.kind === 'failover' ? 'failing-over' : 'switching-over') : 'available',
    Engine: global.engine,
    EngineVersion: global.engineVersion,
    StorageEncrypted: true,
    DeletionProtection: false,
    Endpoint: global.endpoint,
    GlobalClusterMembers: xmlList(
      'GlobalClusterMember',
      global.members.map((member) => {
        const isWriter = member === global.writer;
        return {
          DBClusterArn: member.arn,
          Readers: xmlList('member', isWriter ? global.members.filter((m) => m !== member).map((m) => m.arn) : []),
          IsWriter: isWriter,
          GlobalWriteForwardingStatus: member.writeForwarding ? 'enabled' : 'disabled',
          SynchronizationStatus: member.resync ? 'pending-resync' : 'connected',
        };
      }),
    ),
    FailoverState: operation && {
      Status: db.failoverStatus(operation),
      FromDbClusterArn: operation.from.arn,
      ToDbClusterArn: operation.to.arn,
      IsDataLossAllowed: operation.allowDataLoss,
    },
  };
}

export function renderCluster(db: GlobalDatabase, cluster: ClusterRecord): XmlObject {
  const isWriter = db.isWriter(cluster);
  const global = db.globalOf(cluster);
  return {
    DBClusterIdentifier: cluster.id,
    DBClusterArn: cluster.arn,
    DbClusterResourceId: cluster.resourceId,
    Status: db.clusterStatus(cluster),
    Engine: cluster.engine,
    EngineVersion: cluster.engineVersion,
    EngineMode: global ? 'global' : 'provisioned',
    Endpoint: cluster.writerEndpoint,
    ReaderEndpoint: cluster.readerEndpoint,
    Port: PORT,
    MultiAZ: cluster.instances.length > 1,
    StorageEncrypted: true,
    ClusterCreateTime: iso(cluster.createdAt),
    GlobalClusterIdentifier: global?.id,
    GlobalWriteForwardingStatus: global && !isWriter ? (cluster.writeForwarding ? 'enabled' : 'disabled') : undefined,
    GlobalWriteForwardingRequested: global ? cluster.writeForwarding : undefined,
    ReplicationSourceIdentifier: global && !isWriter ? global.writer?.arn : undefined,
    // In a secondary cluster every instance is a reader; in the writer cluster the first one writes.
    DBClusterMembers: xmlList(
      'DBClusterMember',
      cluster.instances.map((instance, index) => ({
        DBInstanceIdentifier: instance.id,
        IsClusterWriter: isWriter && index === 0,
        DBClusterParameterGroupStatus: 'in-sync',
        PromotionTier: 1,
      })),
    ),
  };
}

export function renderInstance(instance: InstanceRecord, cluster: ClusterRecord): XmlObject {
  return {
    DBInstanceIdentifier: instance.id,
    DBInstanceArn: instance.arn,
    DBInstanceClass: instance.instanceClass,
    Engine: instance.engine,
    EngineVersion: cluster.engineVersion,
    DBInstanceStatus: 'available',
    DBClusterIdentifier: instance.clusterId,
    Endpoint: { Address: `${instance.id}.${cluster.region}.rds.sandbox`, Port: PORT },
    InstanceCreateTime: iso(instance.createdAt),
    PromotionTier: 1,
    MultiAZ: false,
    PubliclyAccessible: false,
    StorageEncrypted: true,
  };
}
