import type { Millis } from '../../kernel/time.js';
import type { Plan } from '../domain/types.js';
import { requireNumber, requireText } from './validate.js';
import { num, optionalJson, optionalNumber, optionalString, requiredJson, requiredNumber, requiredString } from './attributes.js';
import { canonicalJson } from './canonical-json.js';
import { ConflictError, StoreError } from './errors.js';
import { assign, type Change, type Fence } from './fence.js';
import type { Keys } from './keys.js';
import type { JournalStore, Lease, PlanHead, PlanJournal, PlanStatus, StepOutcome, StepRecord, StepStatus } from './state-store.js';
import type { Item, Table } from './table.js';

/**
 * The plan journal: a head item per plan (plan JSON, status, times) in one partition, and one item
 * per step in the plan's own partition. Every write is fenced (see port.ts).
 */
export class DynamoJournalStore implements JournalStore {
  constructor(
    private readonly table: Table,
    private readonly keys: Keys,
    private readonly fence: Fence,
  ) {}

  async begin(lease: Lease, plan: Plan, now: Millis): Promise<PlanHead> {
    validatePlanId(plan.id);
    const planJson = canonicalJson(plan);
    const key = this.keys.planHead(plan.id);
    const change = assign({ plan: planJson, status: 'running', startedAt: now });
    const result = await this.fence.update(lease, now, key, change, { expression: 'attribute_not_exists(pk)' });
    if (result.written) return toHead(result.item);
    // Already begun: the same plan again is a repeat (a retry after a lost answer); another is a conflict.
    if (result.current && optionalString(result.current, 'plan') === planJson) return toHead(result.current);
    throw new ConflictError(`another plan with id "${plan.id}" is already in the journal; plan ids must be unique`, {
      context: { planId: plan.id },
    });
  }

  async startStep(lease: Lease, planId: string, index: number, now: Millis): Promise<StepRecord> {
    validatePlanId(planId);
    validateIndex(index);
    const change = merge(assign({ status: 'started', startedAt: now, finishedAt: undefined, error: undefined, result: undefined, index }), {
      set: ['attempts = if_not_exists(attempts, :zero) + :one'],
      remove: [],
      names: {},
      values: { ':zero': num(0), ':one': num(1) },
    });
    return this.writeStep(lease, planId, index, change, now);
  }

  async finishStep(lease: Lease, planId: string, index: number, outcome: StepOutcome, now: Millis): Promise<StepRecord> {
    validatePlanId(planId);
    validateIndex(index);
    const change = merge(
      assign({
        status: outcome.status,
        finishedAt: now,
        error: outcome.status === 'failed' ? outcome.error : undefined,
        result: outcome.result === undefined ? undefined : JSON.stringify(outcome.result),
        index,
      }),
      // A step skipped without being started still shows how often it was attempted: never.
      { set: ['attempts = if_not_exists(attempts, :zero)'], remove: [], names: {}, values: { ':zero': num(0) } },
    );
    return this.writeStep(lease, planId, index, change, now);
  }

  async finish(lease: Lease, planId: string, status: Exclude<PlanStatus, 'running'>, now: Millis, error?: string): Promise<PlanHead> {
    validatePlanId(planId);
    const change = assign({ status, finishedAt: now, error });
    return this.writeHead(lease, planId, change, now);
  }

  claim(lease: Lease, planId: string, now: Millis): Promise<PlanHead> {
    validatePlanId(planId);
    return this.writeHead(lease, planId, { set: [], remove: [], names: {}, values: {} }, now);
  }

  async read(planId: string): Promise<PlanJournal | undefined> {
    validatePlanId(planId);
    const headItem = await this.table.get(this.keys.planHead(planId));
    if (!headItem) return undefined;
    const head = toHead(headItem);
    const stored = new Map((await this.table.query(this.keys.stepsPartition(planId))).map((item) => [requiredNumber(item, 'index'), toStep(item)]));
    const steps = head.plan.steps.map(
      (step): StepRecord => stored.get(step.index) ?? { index: step.index, status: 'pending', attempts: 0, fenceToken: 0 },
    );
    return { head, steps };
  }

  async listPlans(): Promise<PlanHead[]> {
    const heads = (await this.table.query(this.keys.plansPartition())).map(toHead);
    return heads.sort((a, b) => a.plan.createdAt - b.plan.createdAt || a.plan.id.localeCompare(b.plan.id));
  }

  async findUnfinished(): Promise<PlanJournal | undefined> {
    const running = (await this.listPlans()).filter((head) => head.status === 'running');
    const newest = running.at(-1);
    return newest && this.read(newest.plan.id);
  }

  private async writeHead(lease: Lease, planId: string, change: Change, now: Millis): Promise<PlanHead> {
    const result = await this.fence.update(lease, now, this.keys.planHead(planId), change, { expression: 'attribute_exists(pk)' });
    if (result.written) return toHead(result.item);
    throw new StoreError(`no plan "${planId}" in the journal; begin it first`, { context: { planId } });
  }

  private async writeStep(lease: Lease, planId: string, index: number, change: Change, now: Millis): Promise<StepRecord> {
    const result = await this.fence.update(lease, now, this.keys.step(planId, index), change);
    if (!result.written) throw new StoreError(`step ${index} of plan "${planId}" was not written`, { context: { planId, index } });
    return toStep(result.item);
  }
}

function merge(a: Change, b: Change): Change {
  return {
    set: [...a.set, ...b.set],
    remove: [...a.remove, ...b.remove],
    names: { ...a.names, ...b.names },
    values: { ...a.values, ...b.values },
  };
}

function toHead(item: Item): PlanHead {
  const finishedAt = optionalNumber(item, 'finishedAt');
  const error = optionalString(item, 'error');
  return {
    plan: requiredJson<Plan>(item, 'plan'),
    status: requiredString(item, 'status') as PlanStatus,
    startedAt: requiredNumber(item, 'startedAt'),
    ...(finishedAt !== undefined && { finishedAt }),
    ...(error !== undefined && { error }),
    fenceToken: optionalNumber(item, 'fenceToken') ?? 0,
  };
}

function toStep(item: Item): StepRecord {
  const startedAt = optionalNumber(item, 'startedAt');
  const finishedAt = optionalNumber(item, 'finishedAt');
  const error = optionalString(item, 'error');
  const result = optionalJson<Record<string, unknown>>(item, 'result');
  return {
    index: requiredNumber(item, 'index'),
    status: requiredString(item, 'status') as StepStatus,
    attempts: optionalNumber(item, 'attempts') ?? 0,
    ...(startedAt !== undefined && { startedAt }),
    ...(finishedAt !== undefined && { finishedAt }),
    ...(error !== undefined && { error }),
    ...(result !== undefined && { result }),
    fenceToken: optionalNumber(item, 'fenceToken') ?? 0,
  };
}

function validatePlanId(planId: string): void {
  requireText(planId, 'planId', 'a non-empty plan id');
}

function validateIndex(index: number): void {
  requireNumber(index, 'index', "a step's 1-based index", { min: 1, integer: true });
}
