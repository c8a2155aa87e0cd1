import type { Millis } from '../../../kernel/time.js';
import { CHECKER_REGIONS, endpointHealthy, HealthCheck, INITIAL_CHECKER, nextCheckerState, type CheckerState } from '../route53-checks.js';
import type { BaselineContext, BaselinePolicy } from './policy.js';

interface RegionChecks {
  check: HealthCheck;
  checkers: CheckerState[];
  /** Next check number of each checker not yet applied. */
  next: number[];
}

interface Route53State {
  regions: Map<string, RegionChecks>;
  /** The region DNS answers with now. */
  serving: string;
}

/**
 * Route 53 failover routing with health checks: a PRIMARY record on the configured primary and the
 * standbys as SECONDARY (in config order). Each region's check runs from 8 checker regions every
 * `interval`; a checker's status changes after `threshold` consecutive disagreeing results; the
 * endpoint is healthy when more than 18% of checkers say so. DNS answers with the first healthy
 * region, primary first, and returns to the primary on its own when its check recovers (failback).
 * When every region is unhealthy, Route 53 fails open and answers with the primary: a global
 * failure moves traffic only for the moments between the primary's check flipping and the last
 * standby's (checks run on their own phases), and those moves count as failovers.
 */
export function route53FailoverPolicy(name: string, intervalMs: Millis, threshold: number): BaselinePolicy<Route53State> {
  return {
    name,
    description: `Route 53 failover records, health checks every ${intervalMs / 1000}s from ${CHECKER_REGIONS.length} regions, failure threshold ${threshold}`,
    cadenceMs: intervalMs / CHECKER_REGIONS.length,
    warmupMs: 2 * threshold * intervalMs,
    init(context: BaselineContext, at: Millis): Route53State {
      const regions = new Map<string, RegionChecks>();
      for (const region of context.regions) {
        const check = new HealthCheck(context.world, context.seed, region, context.service, intervalMs, threshold, context.latency, context.noise);
        const next = CHECKER_REGIONS.map((_, checker) => check.latestCheck(checker, at) + 1);
        regions.set(region, { check, checkers: CHECKER_REGIONS.map(() => INITIAL_CHECKER), next });
      }
      return { regions, serving: context.primary };
    },
    step(state: Route53State, context: BaselineContext, at: Millis) {
      const healthy = new Map<string, boolean>();
      const regions = new Map<string, RegionChecks>();
      for (const [region, { check, checkers, next }] of state.regions) {
        const updated = checkers.map((checkerState, checker) => {
          let current = checkerState;
          for (let n = next[checker]!; check.checkTime(checker, n) <= at; n++) current = nextCheckerState(current, check.checkPasses(checker, n), threshold);
          return current;
        });
        const nextChecks = next.map((_, checker) => check.latestCheck(checker, at) + 1);
        regions.set(region, { check, checkers: updated, next: nextChecks });
        healthy.set(region, endpointHealthy(updated.filter((c) => c.healthy).length));
      }
      const order = [context.primary, ...context.regions.filter((r) => r !== context.primary)];
      // Fail-open: with every record unhealthy, failover routing answers with the primary.
      const answer = order.find((r) => healthy.get(r)) ?? context.primary;
      const next: Route53State = { regions, serving: answer };
      if (answer === state.serving) return { state: next };
      const kind = answer === context.primary ? 'failback' : 'failover';
      const reason = `${state.serving} health check unhealthy, ${answer} healthy`;
      return { state: next, flip: { kind, from: state.serving, to: answer, reason: kind === 'failback' ? `${answer} health check healthy again` : reason } };
    },
  };
}

export const route53Standard = route53FailoverPolicy('route53-standard', 30_000, 3);
export const route53Fast = route53FailoverPolicy('route53-fast', 10_000, 3);
