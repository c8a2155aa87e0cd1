import type { LiveStatus } from '../live-controller.js';

/** What stops a rollout: a troubled region it watches, a failover under way, or automation paused. */
export interface Regression {
  /** The region that regressed, when one did. */
  region?: string;
  reason: string;
}

const TROUBLED = new Set(['failed', 'degraded']);

/**
 * Reads the controller's status for what must halt a rollout now; undefined while all is well. A
 * rollback (`repairing`) runs into failing regions on purpose and halts only for a failover.
 */
export function regression(status: LiveStatus, regions: readonly string[], repairing = false): Regression | undefined {
  const { topology, assessment } = status;
  if (topology.active) {
    const a = topology.active;
    return { region: a.from, reason: `plan ${a.planId} (${a.operation} ${a.from} -> ${a.to}) started` };
  }
  if (repairing) return undefined;
  if (topology.paused) return { reason: `automation was paused by ${topology.paused.actor}: ${topology.paused.reason}` };
  if (assessment.classification === 'global') return { reason: assessment.reason };
  for (const region of regions) {
    const verdict = assessment.verdicts[region];
    if (verdict && TROUBLED.has(verdict.health)) return { region, reason: `${region} ${verdict.summary}` };
  }
  return undefined;
}

/**
 * What keeps a rollout from starting: the same as what halts one, plus a region the controller cannot
 * vouch for. A rollback may start into failing regions and while automation is paused (the incident
 * it repairs), never while a plan moves the writer.
 */
export function notReady(status: LiveStatus, regions: readonly string[], repairing = false): string | undefined {
  const { topology } = status;
  if (topology.active) return `plan ${topology.active.planId} (${topology.active.operation} ${topology.active.from} -> ${topology.active.to}) is running; roll out once it has finished`;
  if (repairing) return undefined;
  if (topology.paused) return `automation is paused by ${topology.paused.actor} (${topology.paused.reason}): an incident is being handled; roll out after \`fcp resume\``;
  const found = regression(status, regions);
  if (found) return `${found.reason}: a rollout needs every region it changes healthy before it starts`;
  const unsure = regions.filter((r) => status.assessment.verdicts[r]?.health !== 'healthy');
  if (unsure.length > 0) return `the controller cannot vouch for ${unsure.join(', ')} (${unsure.map((r) => status.assessment.verdicts[r]?.health ?? 'no verdict').join(', ')}): a bake could not tell a regression`;
  return undefined;
}
