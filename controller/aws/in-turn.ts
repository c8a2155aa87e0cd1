import { FcpError } from '../../kernel/errors.js';
import type { Millis } from '../../kernel/time.js';
import type { AwsCaller } from './caller.js';
import type { AwsClients } from './clients.js';
import { AwsCallError } from './errors.js';
import type { AwsTarget } from './target.js';

/** Every candidate failed transiently in one round. Transient: the next round may find one that answers. */
export class NoEndpointAnsweredError extends FcpError {
  constructor(operation: string, failures: readonly AwsCallError[]) {
    const summary = failures.map((failure) => `${String(failure.context.endpoint ?? failure.context.region)}: ${failure.code}`).join('; ');
    super(`no endpoint answered ${operation} (${summary})`, {
      cause: failures.at(-1),
      transient: true,
      context: {
        operation,
        code: failures.at(-1)?.code,
        failures: failures.map((failure) => ({ endpoint: failure.context.endpoint, region: failure.context.region, code: failure.code })),
      },
    });
  }
}

export interface InTurnOptions<C> {
  /** Names the AWS target of one candidate, for errors and error counts. */
  target: (candidate: C, operation: string) => AwsTarget;
  /** Wall-clock limit per candidate; default the caller's request timeout. */
  attemptTimeout?: Millis;
}

/**
 * Equivalent endpoints tried in turn (ARC's five cluster endpoints; a global resource readable from
 * several regions). A round starts at the candidate that answered last, so a dead one costs its
 * timeout once, not on every call. A terminal error (access denied, a safety rule, bad input) ends
 * the round at once: the candidates serve the same data and would answer alike. Rounds are retried
 * with the caller's backoff policy within the step's budget.
 */
export class InTurn<C> {
  private preferred = 0;

  constructor(
    private readonly caller: AwsCaller,
    private readonly candidates: readonly C[],
    private readonly options: InTurnOptions<C>,
  ) {}

  async call<T>(
    operation: string,
    run: (clients: AwsClients, candidate: C, signal: AbortSignal) => Promise<T>,
    budget: { deadlineAt: Millis; signal?: AbortSignal },
  ): Promise<T> {
    return this.caller.retry(operation, () => this.round(operation, run, budget), budget);
  }

  private async round<T>(
    operation: string,
    run: (clients: AwsClients, candidate: C, signal: AbortSignal) => Promise<T>,
    budget: { deadlineAt: Millis; signal?: AbortSignal },
  ): Promise<T> {
    const failures: AwsCallError[] = [];
    for (let offset = 0; offset < this.candidates.length; offset++) {
      const index = (this.preferred + offset) % this.candidates.length;
      const candidate = this.candidates[index] as C;
      try {
        const answer = await this.caller.attempt(this.options.target(candidate, operation), (clients, signal) => run(clients, candidate, signal), {
          deadlineAt: budget.deadlineAt,
          ...(this.options.attemptTimeout === undefined ? {} : { attemptTimeout: this.options.attemptTimeout }),
          ...(budget.signal ? { signal: budget.signal } : {}),
        });
        this.preferred = index;
        return answer;
      } catch (error) {
        if (!(error instanceof AwsCallError) || !error.transient) throw error;
        failures.push(error);
      }
    }
    throw new NoEndpointAnsweredError(operation, failures);
  }
}
