/**
 * How Route 53 turns probe results into a status. Each checker region keeps its own view and flips
 * it only after FailureThreshold consecutive results that disagree with it; the endpoint is healthy
 * when more than 18% of the checkers see it healthy.
 */

export interface CheckerView {
  healthy: boolean;
  /** Consecutive results that disagree with `healthy`. */
  streak: number;
}

/** A new check is healthy until enough results say otherwise (Route 53 does the same). */
export const INITIAL_CHECKER_VIEW: CheckerView = { healthy: true, streak: 0 };

export function recordResult(view: CheckerView, passed: boolean, failureThreshold: number): CheckerView {
  if (passed === view.healthy) return { healthy: view.healthy, streak: 0 };
  const streak = view.streak + 1;
  return streak >= failureThreshold ? { healthy: passed, streak: 0 } : { healthy: view.healthy, streak };
}

const HEALTHY_SHARE = 0.18;

/** `checkers` views are the regions in use; those that have not reported yet count as healthy. */
export function endpointHealthy(views: readonly CheckerView[], checkerCount: number): boolean {
  const unhealthy = views.filter((view) => !view.healthy).length;
  return (checkerCount - unhealthy) / checkerCount > HEALTHY_SHARE;
}
