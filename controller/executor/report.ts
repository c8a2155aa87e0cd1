import type { PlanReport, StepKind } from '../domain/types.js';
import type { PlanJournal } from '../store/state-store.js';
import { hasSideEffects } from './steps.js';

/** The steps of a journaled plan that changed the world (done, not skipped, and not read-only), in plan order. */
export function changedSteps(journal: PlanJournal): StepKind[] {
  const kinds = new Map(journal.head.plan.steps.map((s) => [s.index, s.kind]));
  return journal.steps.filter((s) => s.status === 'done' && hasSideEffects(kinds.get(s.index)!)).map((s) => kinds.get(s.index)!);
}

/**
 * What the engine learns about a plan: its journal in the engine's terms. `journal` undefined means
 * the journal has no record of the plan (`missing`).
 */
export function planReport(planId: string, journal: PlanJournal | undefined): PlanReport {
  if (!journal) return { planId, status: 'missing', changed: [], fenceToken: 0 };
  const { head } = journal;
  const fenceToken = Math.max(head.fenceToken, ...journal.steps.map((s) => s.fenceToken));
  return { planId, status: head.status, changed: changedSteps(journal), fenceToken, ...(head.error !== undefined && { error: head.error }) };
}
