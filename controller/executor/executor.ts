import type { RandomSource } from '../aws/backoff.js';
import { deadlineSignal, type Clock } from '../aws/clock.js';
import { withRetry, type RetryPolicy } from '../aws/retry.js';
import type { Millis } from '../domain/time.js';
import type { Plan, PlanStep } from '../domain/types.js';
import { describeError } from '../errors.js';
import type { ChangeResult } from '../providers/ports.js';
import { LeaseLostError } from '../providers/store/errors.js';
import type { AuditAppender, JournalStore, Lease, StepOutcome } from '../providers/store/port.js';
import { hasSideEffects, runStep, type StepPorts } from './steps.js';

/** What the executor reports as it goes: for logs, the CLI's progress display and the drill. */
export type ExecutorEvent =
  | { type: 'plan-start'; plan: Plan; resumed: boolean; at: Millis }
  | { type: 'step-start'; planId: string; step: PlanStep; attempt: number; at: Millis }
  | { type: 'step-end'; planId: string; step: PlanStep; outcome: StepOutcome; ms: Millis; waitedMs: Millis; at: Millis }
  | { type: 'plan-end'; planId: string; ok: boolean; error?: string; at: Millis; ms: Millis; waitedMs: Millis }
  | { type: 'plan-stopped'; planId: string; reason: string; at: Millis };

/** The journal calls the executor makes; the state store's journal, or a local one for break-glass. */
export type PlanJournalWriter = Pick<JournalStore, 'begin' | 'read' | 'startStep' | 'finishStep' | 'finish'>;

export interface ExecutorDeps {
  journal: PlanJournalWriter;
  /** Where intent and result records go: the store's chain, or a break-glass file. */
  audit: AuditAppender;
  ports: StepPorts;
  clock: Clock;
  random: RandomSource;
  retry: RetryPolicy;
  /** Who acts, for the audit trail (the replica, e.g. `replica/us-west-2`). */
  actor: string;
  /** The lease as the replica holds it now; undefined once lost. Re-read before every step. */
  currentLease(): Lease | undefined;
  recordTopology(plan: Plan, lease: Lease): Promise<ChangeResult>;
  onEvent?(event: ExecutorEvent): void;
  /** Aborts the running step (shutdown). */
  signal?: AbortSignal;
}

export type ExecutionResult =
  | { status: 'succeeded'; ms: Millis; waitedMs: Millis }
  | { status: 'failed'; error: string; ms: Millis; waitedMs: Millis }
  /** The lease was lost (or shutdown began): another replica resumes the plan from its journal. */
  | { status: 'stopped'; reason: string };

/**
 * Wraps the ports so that time spent inside them (AWS calls and the waits they make) is measured.
 * The rest of a plan's time is the controller's own overhead.
 */
function timedPorts(ports: StepPorts, clock: Clock, spent: { ms: number }): StepPorts {
  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(object, key, receiver) {
        const value = Reflect.get(object, key, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          const start = clock.now();
          try {
            return await (value as (...a: unknown[]) => Promise<unknown>).apply(object, args);
          } finally {
            spent.ms += clock.now() - start;
          }
        };
      },
    });
  return { traffic: wrap(ports.traffic), database: wrap(ports.database), dbRecords: wrap(ports.dbRecords) };
}

/**
 * Runs (or resumes) a plan step by step. Each step is journaled (fenced by the lease token), its
 * intent audited before any side effect and its result after, and bounded by its deadline. A lost
 * lease stops execution at the next step boundary; steps already `done` or `skipped` are not rerun.
 */
export async function executePlan(plan: Plan, deps: ExecutorDeps): Promise<ExecutionResult> {
  const { journal: writer, clock } = deps;
  const started = clock.now();
  const spent = { ms: 0 };
  const ports = timedPorts(deps.ports, clock, spent);
  const emit = (event: ExecutorEvent) => deps.onEvent?.(event);

  let lease = deps.currentLease();
  if (!lease) return { status: 'stopped', reason: 'no lease' };
  try {
    const existing = await writer.read(plan.id);
    if (!existing) await writer.begin(lease, plan, clock.now());
    emit({ type: 'plan-start', plan, resumed: existing !== undefined, at: clock.now() });
    const journal = existing ?? (await writer.read(plan.id));

    for (const step of plan.steps) {
      const record = journal?.steps.find((s) => s.index === step.index);
      if (record && (record.status === 'done' || record.status === 'skipped')) continue;
      lease = deps.currentLease();
      if (!lease || lease.expiresAt <= clock.now()) return stop(plan, 'lease lost before the next step', deps);
      if (deps.signal?.aborted) return stop(plan, 'shutting down', deps);

      const outcome = await runOneStep(plan, step, lease, ports, spent, deps);
      if (outcome.status === 'failed') {
        await writer.finish(lease, plan.id, 'failed', clock.now(), outcome.error);
        emit({ type: 'plan-end', planId: plan.id, ok: false, error: outcome.error, at: clock.now(), ms: clock.now() - started, waitedMs: spent.ms });
        return { status: 'failed', error: outcome.error, ms: clock.now() - started, waitedMs: spent.ms };
      }
    }
    await writer.finish(lease, plan.id, 'succeeded', clock.now());
    emit({ type: 'plan-end', planId: plan.id, ok: true, at: clock.now(), ms: clock.now() - started, waitedMs: spent.ms });
    return { status: 'succeeded', ms: clock.now() - started, waitedMs: spent.ms };
  } catch (error) {
    if (error instanceof LeaseLostError) return stop(plan, describeError(error), deps);
    throw error;
  }
}

function stop(plan: Plan, reason: string, deps: ExecutorDeps): ExecutionResult {
  deps.onEvent?.({ type: 'plan-stopped', planId: plan.id, reason, at: deps.clock.now() });
  return { status: 'stopped', reason };
}

async function runOneStep(plan: Plan, step: PlanStep, lease: Lease, ports: StepPorts, spent: { ms: number }, deps: ExecutorDeps): Promise<StepOutcome> {
  const { journal, audit, clock } = deps;
  const deadlineAt = clock.now() + step.deadlineMs;
  const signal = deadlineSignal(deadlineAt, clock, deps.signal);
  const audited = hasSideEffects(step.kind);
  const base = { actor: deps.actor, action: `${plan.operation}/${step.kind}` };
  const details = { planId: plan.id, step: step.index, kind: step.kind, from: plan.from, to: plan.to, params: step.params };

  const begun = clock.now();
  const waitedBefore = spent.ms;
  // Audit before action: the journal entry and the intent record are both durable before the step's
  // first side effect (written side by side: neither depends on the other).
  const [record] = await Promise.all([
    journal.startStep(lease, plan.id, step.index, begun),
    audited ? audit.append({ ...base, at: begun, phase: 'intent', details }) : undefined,
  ]);
  deps.onEvent?.({ type: 'step-start', planId: plan.id, step, attempt: record.attempts, at: begun });

  let outcome: StepOutcome;
  try {
    outcome = await withRetry(
      () => runStep(step, plan, { ports, budget: { deadlineAt, signal }, clock, recordTopology: (p) => deps.recordTopology(p, lease) }),
      { policy: deps.retry, deadlineAt, clock, random: deps.random, what: `step ${step.index} (${step.kind}) of ${plan.id}`, signal },
    );
  } catch (error) {
    if (error instanceof LeaseLostError) throw error;
    outcome = { status: 'failed', error: describeError(error) };
  }
  const ended = clock.now();
  await Promise.all([
    journal.finishStep(lease, plan.id, step.index, outcome, ended),
    audited ? audit.append({ ...base, at: ended, phase: 'result', details: { ...details, outcome } }) : undefined,
  ]);
  deps.onEvent?.({ type: 'step-end', planId: plan.id, step, outcome, ms: clock.now() - begun, waitedMs: spent.ms - waitedBefore, at: clock.now() });
  return outcome;
}
