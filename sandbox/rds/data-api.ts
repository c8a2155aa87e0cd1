import { RdsDataError } from './errors.js';
import type { GlobalDatabase } from './global-database.js';
import type { ClusterRecord } from './records.js';

/**
 * The sandbox's stand-in for a database connection, used in-process by the regional demo apps.
 * A target is what an app would connect to: a cluster or reader endpoint host, the global writer
 * endpoint, or a cluster id / ARN.
 */

export interface DataItem {
  key: string;
  value: string;
}

export interface WriteReceipt {
  /** Position of the write in the global database's history. */
  seq: number;
  /** The cluster that committed it (differs from the target when write forwarding was used). */
  committedBy: string;
}

function connect(db: GlobalDatabase, target: string): { cluster: ClusterRecord; viaReader: boolean } {
  db.advance();
  const resolved = db.resolve(target);
  if (!resolved) throw new RdsDataError('unknown-endpoint', `no DB cluster answers at "${target}"`);
  const { cluster } = resolved;
  if (!db.reachable(cluster)) throw new RdsDataError('unreachable', `DB cluster ${cluster.id} in ${cluster.region} is unreachable (region down)`);
  if (cluster.instances.length === 0) throw new RdsDataError('unreachable', `DB cluster ${cluster.id} has no DB instances to connect to`);
  return resolved;
}

/** Commits `item` on the writer. Refused on a reader, a transitioning cluster or an unreachable one. */
export function writeItem(db: GlobalDatabase, target: string, item: DataItem): WriteReceipt {
  const { cluster, viaReader } = connect(db, target);
  const global = db.globalOf(cluster);
  const operation = global?.operation;
  if (operation && (operation.from === cluster || operation.to === cluster)) {
    throw new RdsDataError('transitioning', `DB cluster ${cluster.id} is ${operation.kind === 'failover' ? 'failing over' : 'switching over'}; writes are paused`);
  }
  if (viaReader) throw new RdsDataError('read-only', `cannot write through the reader endpoint of ${cluster.id}: read-only connection`);
  if (db.isWriter(cluster)) return { seq: db.commit(global, cluster, item.key, item.value), committedBy: cluster.id };

  const writer = global?.writer;
  if (!cluster.writeForwarding || !writer || operation) {
    throw new RdsDataError('read-only', `DB cluster ${cluster.id} is a read-only secondary of global cluster ${global?.id ?? '?'}`);
  }
  if (!db.reachable(writer)) throw new RdsDataError('unreachable', `write forwarding from ${cluster.id} failed: the primary cluster ${writer.id} is unreachable`);
  return { seq: db.commit(global, writer, item.key, item.value), committedBy: writer.id };
}

/** Reads `key` from the cluster behind `target` (a secondary may be behind the writer). */
export function readItem(db: GlobalDatabase, target: string, key: string): string | undefined {
  return connect(db, target).cluster.data.get(key);
}
