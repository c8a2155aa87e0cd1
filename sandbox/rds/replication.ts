import type { ClusterRecord, GlobalClusterRecord } from './records.js';

/**
 * Storage-level replication from a global cluster's writer to its secondaries. A write committed
 * at time t reaches a secondary at t + lag while both regions are up; while either is down the
 * secondary's `consistentThrough` stops moving, so it misses everything committed after that.
 */

/** Brings `secondary` up to date as of `now` with the given lag; the link must be up. */
export function replicate(global: GlobalClusterRecord, secondary: ClusterRecord, lagMs: number, now: number): void {
  secondary.consistentThrough = Math.max(secondary.consistentThrough, now - lagMs);
  for (let index = secondary.appliedSeq; index < global.log.length; index++) {
    const write = global.log[index];
    if (!write || write.at > secondary.consistentThrough) break;
    secondary.data.set(write.key, write.value);
    secondary.appliedSeq = write.seq;
  }
}

/** Whether the secondary holds every write the writer committed. */
export function caughtUp(global: GlobalClusterRecord, secondary: ClusterRecord): boolean {
  return secondary.appliedSeq === global.log.length;
}

/**
 * The RPO lag of a secondary (what `AuroraGlobalDBRPOLag` reports): the span of committed writes
 * it does not hold yet, i.e. how much recent data an unplanned failover to it would lose. In steady
 * state it is about the replication lag; it grows while the secondary is cut off and writes go on;
 * it is 0 when the writer has committed nothing the secondary lacks.
 */
export function rpoLagMs(global: GlobalClusterRecord, secondary: ClusterRecord): number {
  const last = global.log.at(-1);
  if (!last || caughtUp(global, secondary)) return 0;
  return Math.max(0, last.at - secondary.consistentThrough);
}

/** Rebuilds a diverged cluster's data from the writer's log, as a freshly attached secondary. */
export function resetForResync(secondary: ClusterRecord): void {
  secondary.data.clear();
  secondary.appliedSeq = 0;
  secondary.consistentThrough = Number.NEGATIVE_INFINITY;
  delete secondary.resync;
}
