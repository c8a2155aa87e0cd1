import type { Millis } from '../../kernel/time.js';
import type { RandomSource } from './backoff.js';
import { CLIENT_TIMEOUT, classifyAwsError, type AwsErrorClass } from './classify.js';
import type { AwsClients } from './clients.js';
import { deadlineSignal, systemClock, type Clock } from '../../kernel/clock.js';
import { AwsCallError } from './errors.js';
import { withRetry, type RetryPolicy } from './retry.js';
import { describeTarget, type AwsTarget } from './target.js';

/** One failed AWS call attempt, for counting errors by code (metrics). */
export interface AwsCallErrorEvent {
  target: AwsTarget;
  code: string;
  kind: AwsErrorClass['kind'];
  transient: boolean;
}

export interface AwsCallHooks {
  onCallError?(event: AwsCallErrorEvent): void;
}

export interface AwsCallerOptions {
  clients: AwsClients;
  policy: RetryPolicy;
  /** Wall-clock limit of one attempt, unless a call says otherwise. */
  requestTimeout: Millis;
  clock?: Clock;
  random?: RandomSource;
  hooks?: AwsCallHooks;
}

export interface CallOptions {
  /** The step's deadline: no attempt runs past it. Default: one full retry budget from now. */
  deadlineAt?: Millis;
  /** Wall-clock limit of each attempt. Default: the configured request timeout. */
  attemptTimeout?: Millis;
  /** The caller gave up. */
  signal?: AbortSignal;
}

/** Runs one SDK call with the client it fetches from `clients` and the attempt's AbortSignal. */
export type AwsRun<T> = (clients: AwsClients, signal: AbortSignal) => Promise<T>;

/**
 * Every AWS call goes through here: a deadline per attempt (AbortSignal), errors classified and
 * wrapped in AwsCallError with the AWS code, each failure reported to the hooks, transient ones
 * retried with capped exponential backoff and full jitter within the step's budget.
 *
 * ExpiredToken: with the default credential chain, the SDK caches credentials per client; an
 * expired token means that cache went stale (a rotated task role), so the clients are rebuilt and
 * the attempt repeated once, at once. A second ExpiredToken, or any with static credentials, is
 * terminal: retrying cannot mint new credentials.
 */
export class AwsCaller {
  readonly clients: AwsClients;
  readonly policy: RetryPolicy;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly requestTimeout: Millis;
  private readonly hooks: AwsCallHooks;

  constructor(options: AwsCallerOptions) {
    this.clients = options.clients;
    this.policy = options.policy;
    this.requestTimeout = options.requestTimeout;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.hooks = options.hooks ?? {};
  }

  /** A deadline that leaves room for every attempt and every backoff of the policy. */
  defaultDeadline(): Millis {
    return this.clock.now() + this.policy.maxAttempts * (this.requestTimeout + this.policy.cap);
  }

  /** One call, retried on transient errors within the policy and the deadline. */
  async call<T>(target: AwsTarget, run: AwsRun<T>, options: CallOptions = {}): Promise<T> {
    const deadlineAt = options.deadlineAt ?? this.defaultDeadline();
    return this.retry(describeTarget(target), () => this.attempt(target, run, { ...options, deadlineAt }), {
      deadlineAt,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  /** Retries any composed operation (a round over several endpoints) with this caller's policy. */
  retry<T>(what: string, attempt: (attemptNumber: number) => Promise<T>, options: { deadlineAt: Millis; signal?: AbortSignal }): Promise<T> {
    return withRetry(attempt, { policy: this.policy, clock: this.clock, random: this.random, what, ...options });
  }

  /** One attempt (plus the one credential refresh described above), never retried on other errors. */
  async attempt<T>(target: AwsTarget, run: AwsRun<T>, options: CallOptions = {}): Promise<T> {
    let refreshed = false;
    for (;;) {
      try {
        return await this.once(target, run, options);
      } catch (error) {
        if (!(error instanceof AwsCallError) || error.kind !== 'credentials-expired' || refreshed) throw error;
        refreshed = true;
        if (!this.clients.refreshCredentials()) throw error;
      }
    }
  }

  private async once<T>(target: AwsTarget, run: AwsRun<T>, options: CallOptions): Promise<T> {
    const timeout = Math.min(options.attemptTimeout ?? this.requestTimeout, (options.deadlineAt ?? Infinity) - this.clock.now());
    const signal = deadlineSignal(this.clock.now() + timeout, this.clock, options.signal);
    try {
      return await run(this.clients, signal);
    } catch (cause) {
      const timedOut = signal.aborted;
      const classified: AwsErrorClass = timedOut ? { code: CLIENT_TIMEOUT, kind: 'timeout', transient: true } : classifyAwsError(cause);
      this.hooks.onCallError?.({ target, code: classified.code, kind: classified.kind, transient: classified.transient });
      throw new AwsCallError(target, classified, {
        cause,
        ...(timedOut ? { message: `${describeTarget(target)} got no answer within ${Math.max(0, Math.round(timeout))}ms` } : {}),
      });
    }
  }
}
