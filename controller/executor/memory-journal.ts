import type { Millis } from '../../kernel/time.js';
import type { Plan } from '../domain/types.js';
import type { Lease, PlanHead, PlanJournal, PlanStatus, StepOutcome, StepRecord } from '../store/state-store.js';
import type { PlanJournalWriter } from './executor.js';

/**
 * A journal kept in this process only: for break-glass runs while the state store is unreachable.
 * The durable record of such a run is its local audit file, reconciled into the store later.
 */
export class MemoryJournal implements PlanJournalWriter {
  private readonly plans = new Map<string, PlanJournal>();

  async begin(lease: Lease, plan: Plan, now: Millis): Promise<PlanHead> {
    const head: PlanHead = { plan, status: 'running', startedAt: now, fenceToken: lease.token };
    this.plans.set(plan.id, { head, steps: plan.steps.map((s) => ({ index: s.index, status: 'pending', attempts: 0, fenceToken: lease.token })) });
    return head;
  }

  async read(planId: string): Promise<PlanJournal | undefined> {
    return this.plans.get(planId);
  }

  async startStep(_lease: Lease, planId: string, index: number, now: Millis): Promise<StepRecord> {
    const step = this.step(planId, index);
    Object.assign(step, { status: 'started', attempts: step.attempts + 1, startedAt: now });
    return step;
  }

  async finishStep(_lease: Lease, planId: string, index: number, outcome: StepOutcome, now: Millis): Promise<StepRecord> {
    const step = this.step(planId, index);
    Object.assign(step, { status: outcome.status, finishedAt: now, ...(outcome.status === 'failed' && { error: outcome.error }), ...(outcome.result && { result: outcome.result }) });
    return step;
  }

  async finish(_lease: Lease, planId: string, status: Exclude<PlanStatus, 'running'>, now: Millis, error?: string): Promise<PlanHead> {
    const journal = this.plans.get(planId)!;
    Object.assign(journal.head, { status, finishedAt: now, ...(error !== undefined && { error }) });
    return journal.head;
  }

  private step(planId: string, index: number): StepRecord {
    const step = this.plans.get(planId)?.steps.find((s) => s.index === index);
    if (!step) throw new Error(`no step ${index} in plan ${planId}`);
    return step;
  }
}
