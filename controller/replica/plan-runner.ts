import type { RandomSource } from '../aws/backoff.js';
import type { Clock } from '../../kernel/clock.js';
import type { Config } from '../config/schema.js';
import type { Plan } from '../domain/types.js';
import { describeError } from '../../kernel/errors.js';
import { executePlan, type ExecutionResult, type ExecutorEvent } from '../executor/executor.js';
import type { StepPorts } from '../executor/steps.js';
import type { Logger } from '../../kernel/logging.js';
import type { AuditAppender, JournalStore, Lease } from '../store/state-store.js';

export interface PlanRunnerDeps {
  journal: JournalStore;
  audit: AuditAppender;
  ports: StepPorts;
  clock: Clock;
  random: RandomSource;
  config: Pick<Config, 'aws' | 'failover'>;
  /** The replica's holder name, for the audit trail. */
  actor: string;
  log: Logger;
  /** Aborted when the replica shuts down. */
  shutdown: AbortSignal;
  onEvent?(event: ExecutorEvent): void;
  /** A run stopped because this replica's credentials were refused: the replica must give up the lease. */
  onCredentialsRefused?(code: string, reason: string): void;
}

/** What the runner needs of the lease: the lease to write with, and the signal that ends the holding. */
export interface HoldingView {
  current(): Lease | undefined;
  readonly signal: AbortSignal | undefined;
}

/**
 * Runs at most one plan at a time in the background. It reports nothing back to the loop: the
 * executor writes the plan's outcome to the journal, where the lease holder (this replica or
 * another) reads it at its next tick. The returned promise is for logs and tests only.
 */
export class PlanRunner {
  private running: { plan: Plan; done: Promise<ExecutionResult> } | undefined;

  constructor(private readonly deps: PlanRunnerDeps) {}

  /** The id of the plan this replica is running now, if any. */
  get planId(): string | undefined {
    return this.running?.plan.id;
  }

  /** Starts `plan` under the current holding unless a plan already runs here (then returns undefined). */
  run(plan: Plan, holding: HoldingView): Promise<ExecutionResult> | undefined {
    if (this.running) return undefined;
    const { deps } = this;
    const log = deps.log.child({ plan: plan.id });
    const signal = holding.signal ? AbortSignal.any([deps.shutdown, holding.signal]) : deps.shutdown;
    const done = executePlan(plan, {
      journal: deps.journal,
      audit: deps.audit,
      ports: deps.ports,
      clock: deps.clock,
      random: deps.random,
      retry: { ...deps.config.aws.retry, maxAttempts: deps.config.failover.stepAttempts },
      actor: deps.actor,
      currentLease: () => holding.current(),
      signal,
      onEvent: (event) => {
        deps.onEvent?.(event);
        if (event.type === 'step-end') {
          const { outcome } = event;
          const failure = outcome.status === 'failed' ? ` (${outcome.error})` : '';
          log[failure ? 'error' : 'info']({ step: event.step.index, kind: event.step.kind, ms: event.ms, status: outcome.status }, `step ${event.step.index} ${event.step.kind}: ${outcome.status}${failure}`);
        }
      },
    })
      .then(
        (result) => {
          if (result.status === 'stopped') {
            log.warn({ reason: result.reason }, `plan ${plan.id} stopped here; whoever holds the lease resumes it from the journal`);
            if (result.credentialsRefused) deps.onCredentialsRefused?.(result.credentialsRefused, result.reason);
          }
          else log[result.status === 'failed' ? 'error' : 'info']({ status: result.status, ms: result.ms }, `plan ${plan.id} ${result.status}${result.status === 'failed' ? `: ${result.error}` : ''}`);
          return result;
        },
        (error: unknown): ExecutionResult => {
          // Not an outcome: the journal still says running, so the lease holder resumes the plan.
          log.error({ err: describeError(error) }, `plan ${plan.id} stopped unexpectedly`);
          return { status: 'stopped', reason: describeError(error) };
        },
      )
      .finally(() => {
        if (this.running?.plan.id === plan.id) this.running = undefined;
      });
    this.running = { plan, done };
    return done;
  }

  /** Waits for the plan in progress to return (shutdown, tests). */
  async settle(): Promise<void> {
    await this.running?.done;
  }
}
