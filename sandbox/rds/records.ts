/**
 * The emulated RDS world as plain records: global clusters, their member clusters and the
 * clusters' instances, plus each cluster's copy of the data.
 */

export interface InstanceRecord {
  id: string;
  arn: string;
  region: string;
  clusterId: string;
  instanceClass: string;
  engine: string;
  createdAt: number;
}

export interface ClusterRecord {
  id: string;
  arn: string;
  region: string;
  resourceId: string;
  engine: string;
  engineVersion: string;
  /** The cluster (writer) endpoint and the reader endpoint host names. */
  writerEndpoint: string;
  readerEndpoint: string;
  globalClusterId?: string;
  instances: InstanceRecord[];
  /** Write forwarding: a write sent to this secondary is forwarded to the writer. */
  writeForwarding: boolean;
  createdAt: number;
  /** This cluster's copy of the data, and the last write (sequence number) it holds. */
  data: Map<string, string>;
  appliedSeq: number;
  /** Every write committed at or before this time has reached this cluster (secondaries only). */
  consistentThrough: number;
  /**
   * Set when the cluster's data diverged from the writer's (it was the writer, or ahead of the
   * target, at an unplanned failover): it must be rebuilt before it serves as a secondary again.
   * `readyAt` is when the rebuild finishes; unset while the cluster is unreachable.
   */
  resync?: { readyAt?: number };
}

export interface WriteRecord {
  seq: number;
  key: string;
  value: string;
  at: number;
}

export type OperationKind = 'switchover' | 'failover';

export interface OperationRecord {
  kind: OperationKind;
  from: ClusterRecord;
  to: ClusterRecord;
  startedAt: number;
  allowDataLoss: boolean;
  /** Set when a switchover is cancelled (a region became unreachable); it clears shortly after. */
  cancelledAt?: number;
}

/** FailoverState.Status as RDS reports it. */
export type FailoverStatus = 'pending' | 'switching-over' | 'failing-over' | 'cancelling';

export interface GlobalClusterRecord {
  id: string;
  arn: string;
  resourceId: string;
  engine: string;
  engineVersion: string;
  /** The global writer endpoint: it always resolves to the current writer's cluster endpoint. */
  endpoint: string;
  members: ClusterRecord[];
  writer?: ClusterRecord;
  operation?: OperationRecord;
  /** Every write the current writer holds, in commit order (`seq` = position + 1). */
  log: WriteRecord[];
  createdAt: number;
}

export const DEFAULT_ENGINE = 'aurora-postgresql';
export const DEFAULT_ENGINE_VERSION = '16.4';

export function clusterArn(account: string, region: string, id: string): string {
  return `arn:aws:rds:${region}:${account}:cluster:${id}`;
}

const CLUSTER_ARN = /^arn:aws[a-z-]*:rds:([a-z0-9-]+):(\d+):cluster:(.+)$/;

/** The region and identifier an RDS cluster ARN names, or undefined for anything else. */
export function parseClusterArn(value: string): { region: string; id: string } | undefined {
  const match = CLUSTER_ARN.exec(value);
  return match?.[1] && match[3] ? { region: match[1], id: match[3] } : undefined;
}
