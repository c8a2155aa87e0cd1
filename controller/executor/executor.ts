import type { RandomSource } from '../aws/backoff.js';
import { deadlineSignal, type Clock } from '../../kernel/clock.js';
import { withRetry, type RetryPolicy } from '../aws/retry.js';
import type { Millis } from '../../kernel/time.js';
import type { Plan, PlanStep } from '../domain/types.js';
import { describeError } from '../../kernel/errors.js';
import { refusedCredentials } from '../aws/classify.js';
import type { AuditAppender, JournalStore, Lease, PlanJournal, StepOutcome } from '../store/state-store.js';
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
  /** Who acts, for the audit trail (the replica, e.g. `replica/us-west-2/1a2b3c4d`). */
  actor: string;
  /** The lease as the replica holds it now; undefined once lost. Re-read before every step. */
  currentLease(): Lease | undefined;
  onEvent?(event: ExecutorEvent): void;
  /**
   * Aborts the running step and stops the plan: shutdown, or the lease holding ending (another
   * replica may take the plan over, so this one must not go on calling AWS).
   */
  signal?: AbortSignal;
}

/**
 * How a run ended on this replica. `succeeded` and `failed` are recorded in the journal, where
 * the engine learns them; `stopped` is not an outcome: the plan stays running in the journal and
 * whoever holds the lease resumes it.
 */
export type ExecutionResult =
  | { status: 'succeeded'; ms: Millis; waitedMs: Millis }
  | { status: 'failed'; error: string; ms: Millis; waitedMs: Millis }
  /** `credentialsRefused` (the AWS error code): this replica's credentials were refused mid-plan; another replica should finish it. */
  | { status: 'stopped'; reason: string; credentialsRefused?: string };

/** The run cannot go on from here: no lease, shutdown, refused credentials, or the journal (the store) cannot be written. */
class StopRun extends Error {
  constructor(
    message: string,
    readonly credentialsRefused?: string,
  ) {
    super(message);
  }
}

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

/** A journal or audit write: when the store refuses or cannot be reached, the run stops (it does not fail). */
async function record<T>(what: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    throw new StopRun(`${what} could not be written: ${describeError(error)}`);
  }
}

/**
 * Runs (or resumes) a plan step by step. Each step is journaled (fenced by the lease token), its
 * intent audited before any side effect and its result after, and bounded by its deadline. A lost
 * lease, a shutdown or a store that cannot be written stops execution at the next step boundary
 * (an aborted holding also stops the step in progress); steps already `done` or `skipped` are not
 * rerun, so whoever resumes the plan repeats no side effect.
 */
export async function executePlan(plan: Plan, deps: ExecutorDeps): Promise<ExecutionResult> {
  const { journal: writer, clock } = deps;
  const started = clock.now();
  const spent = { ms: 0 };
  const ports = timedPorts(deps.ports, clock, spent);
  const emit = (event: ExecutorEvent) => deps.onEvent?.(event);
  const stop = (reason: string, credentialsRefused?: string): ExecutionResult => {
    emit({ type: 'plan-stopped', planId: plan.id, reason, at: clock.now() });
    return { status: 'stopped', reason, ...(credentialsRefused && { credentialsRefused }) };
  };

  try {
    let lease = holding(deps);
    const existing = await record('the journal', () => writer.read(plan.id));
    if (!existing) await record('the plan start', () => writer.begin(lease, plan, clock.now()));
    else if (existing.head.status !== 'running') return stop(`the journal says the plan already ${existing.head.status}`);
    // Resumed: some step of it ran before (the reconciler begins a new plan's journal itself).
    emit({ type: 'plan-start', plan, resumed: existing?.steps.some((s) => s.status !== 'pending') ?? false, at: clock.now() });
    const journal: PlanJournal | undefined = existing ?? (await record('the journal', () => writer.read(plan.id)));

    for (const step of plan.steps) {
      const found = journal?.steps.find((s) => s.index === step.index);
      if (found && (found.status === 'done' || found.status === 'skipped')) continue;
      lease = holding(deps);
      const outcome = await runOneStep(plan, step, lease, ports, spent, deps);
      if (outcome.status === 'failed') {
        await record('the plan outcome', () => writer.finish(lease, plan.id, 'failed', clock.now(), outcome.error));
        emit({ type: 'plan-end', planId: plan.id, ok: false, error: outcome.error, at: clock.now(), ms: clock.now() - started, waitedMs: spent.ms });
        return { status: 'failed', error: outcome.error, ms: clock.now() - started, waitedMs: spent.ms };
      }
    }
    await record('the plan outcome', () => writer.finish(lease, plan.id, 'succeeded', clock.now()));
    emit({ type: 'plan-end', planId: plan.id, ok: true, at: clock.now(), ms: clock.now() - started, waitedMs: spent.ms });
    return { status: 'succeeded', ms: clock.now() - started, waitedMs: spent.ms };
  } catch (error) {
    if (error instanceof StopRun) return stop(error.message, error.credentialsRefused);
    throw error;
  }
}

/** The lease to write the next step with; stops the run when there is none (or it is aborted). */
function holding(deps: ExecutorDeps): Lease {
  if (deps.signal?.aborted) throw new StopRun(`stopped: ${describeError(deps.signal.reason)}`);
  const lease = deps.currentLease();
  if (!lease || lease.expiresAt <= deps.clock.now()) throw new StopRun('lease lost before the next step');
  return lease;
}

async function runOneStep(plan: Plan, step: PlanStep, lease: Lease, ports: StepPorts, spent: { ms: number }, deps: ExecutorDeps): Promise<StepOutcome> {
  const { journal, audit, clock } = deps;
  const deadlineAt = clock.now() + step.deadlineMs;
  const signal = deadlineSignal(deadlineAt, clock, deps.signal);
  const audited = hasSideEffects(step.kind);
  const base = { actor: deps.actor, action: `${plan.operation}/${step.kind}` };
  const details = { planId: plan.id, step: step.index, kind: step.kind, from: plan.from, to: plan.to, params: step.params, fenceToken: lease.token };

  const begun = clock.now();
  const waitedBefore = spent.ms;
  // Audit before action: the journal entry and the intent record are both durable before the step's
  // first side effect (written side by side: neither depends on the other).
  const [started] = await record(`step ${step.index}'s start`, () =>
    Promise.all([journal.startStep(lease, plan.id, step.index, begun), audited ? audit.append({ ...base, at: begun, phase: 'intent', details }) : undefined]),
  );
  deps.onEvent?.({ type: 'step-start', planId: plan.id, step, attempt: started.attempts, at: begun });

  let outcome: StepOutcome;
  try {
    outcome = await withRetry(() => runStep(step, plan, { ports, budget: { deadlineAt, signal }, clock }), {
      policy: deps.retry,
      deadlineAt,
      clock,
      random: deps.random,
      what: `step ${step.index} (${step.kind}) of ${plan.id}`,
      signal,
    });
  } catch (error) {
    // The holding ended (or shutdown) mid-step: not a failure of the step; whoever holds the lease resumes it.
    if (deps.signal?.aborted) throw new StopRun(`step ${step.index} (${step.kind}) interrupted: ${describeError(deps.signal.reason)}`);
    // This replica may not make the call; another replica may. The step is left to be resumed.
    const refused = refusedCredentials(error);
    if (refused) throw new StopRun(`step ${step.index} (${step.kind}): this replica's credentials are refused (${refused}): ${describeError(error)}`, refused);
    outcome = { status: 'failed', error: describeError(error) };
  }
  const ended = clock.now();
  await record(`step ${step.index}'s result`, () =>
    Promise.all([
      journal.finishStep(lease, plan.id, step.index, outcome, ended),
      audited ? audit.append({ ...base, at: ended, phase: 'result', details: { ...details, outcome } }) : undefined,
    ]),
  );
  deps.onEvent?.({ type: 'step-end', planId: plan.id, step, outcome, ms: clock.now() - begun, waitedMs: spent.ms - waitedBefore, at: clock.now() });
  return outcome;
}
