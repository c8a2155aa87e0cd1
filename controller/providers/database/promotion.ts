import { formatDuration, type Millis } from '../../../kernel/time.js';
import type { FlipMode, RegionName } from '../../domain/types.js';
import type { PromotePolicy } from '../../ports.js';

/** What the database looks like when a promotion is decided. */
export interface PromotionFacts {
  writerRegion: RegionName;
  writerReachable: boolean;
  /** The operation the global cluster reports in progress, if any. */
  inProgress?: { to?: RegionName; dataLossAllowed: boolean };
  /** The target's replication lag: the current reading, else the last one known; undefined if never known. */
  targetLagMs: Millis | undefined;
}

export type PromotionChoice =
  | { kind: 'none'; reason: string }
  | { kind: 'switchover'; reason: string }
  | { kind: 'failover'; reason: string }
  | { kind: 'refuse'; reason: string };

/**
 * Chooses how to make `target` the writer, or why not to.
 *
 * - Already writer, or the same operation already under way: nothing to do (idempotent).
 * - Planned: a switchover (no data loss) whenever the old writer is reachable, whatever the lag
 *   (lag only makes it take longer); refused when the writer is unreachable, since a planned move
 *   must not lose data.
 * - Unplanned: a switchover when the old writer is reachable and the target's lag is within the RPO
 *   budget (no data loss, and it catches up quickly); otherwise FailoverGlobalCluster with
 *   AllowDataLoss when the last known lag is within the budget. An unknown or too-large lag is
 *   refused unless the operator forces it; a forced move is a failover (the region must be left
 *   now, and a switchover would wait on the lag).
 */
export function choosePromotion(target: RegionName, mode: FlipMode, policy: PromotePolicy, facts: PromotionFacts): PromotionChoice {
  const budget = formatDuration(policy.rpoBudgetMs);
  const lag = facts.targetLagMs === undefined ? 'unknown' : formatDuration(facts.targetLagMs);

  if (facts.inProgress) {
    const kind = facts.inProgress.dataLossAllowed ? 'failover' : 'switchover';
    if (facts.inProgress.to === target) return { kind: 'none', reason: `a ${kind} to ${target} is already in progress` };
    return { kind: 'refuse', reason: `a ${kind} to ${facts.inProgress.to ?? 'another region'} is in progress; wait for it to finish before promoting ${target}` };
  }
  if (facts.writerRegion === target) return { kind: 'none', reason: `${target} is already the writer` };

  if (mode === 'planned') {
    if (facts.writerReachable) return { kind: 'switchover', reason: `planned: the writer in ${facts.writerRegion} is reachable; switchover loses no data (lag ${lag})` };
    return {
      kind: 'refuse',
      reason: `a planned switchover needs the writer in ${facts.writerRegion} reachable, and it is not; use an unplanned failover`,
    };
  }

  const withinBudget = facts.targetLagMs !== undefined && facts.targetLagMs <= policy.rpoBudgetMs;
  if (facts.writerReachable && withinBudget) {
    return { kind: 'switchover', reason: `the writer in ${facts.writerRegion} is reachable and ${target} lags ${lag} (budget ${budget}); switchover loses no data` };
  }
  const why = facts.writerReachable ? `the writer in ${facts.writerRegion} is reachable but ${target} lags ${lag}` : `the writer in ${facts.writerRegion} is unreachable`;
  if (withinBudget) return { kind: 'failover', reason: `${why}; last known lag ${lag} is within the RPO budget ${budget}` };
  if (policy.force) return { kind: 'failover', reason: `${why}; lag ${lag} is not within the RPO budget ${budget}, failing over because the operator forced it` };
  return {
    kind: 'refuse',
    reason: `${why}; the last known lag of ${target} (${lag}) is not within the RPO budget ${budget}, so a failover could lose more data than allowed; force it to accept the loss`,
  };
}
