import { FcpError } from '../../kernel/errors.js';
import type { Millis } from '../../kernel/time.js';
import { backoffDelay, type BackoffPolicy, type RandomSource } from './backoff.js';
import type { Clock } from '../../kernel/clock.js';
import { RetryBudgetExhaustedError } from './errors.js';

/** How hard one step may retry: capped exponential backoff with full jitter, within a budget. */
export interface RetryPolicy extends BackoffPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
}

export interface RetryOptions {
  policy: RetryPolicy;
  /** No attempt starts, and no wait is begun that would end, at or after this time. */
  deadlineAt: Millis;
  clock: Clock;
  random: RandomSource;
  /** Names the operation in the exhausted-budget error. */
  what: string;
  /** Aborts the waits between attempts (the caller gave up). */
  signal?: AbortSignal;
  /** Which errors may succeed on retry; by default FcpErrors marked transient. */
  isTransient?: (error: unknown) => boolean;
}

const transientFcpError = (error: unknown): boolean => error instanceof FcpError && error.transient;

/**
 * Runs `attempt` until it succeeds, a terminal error occurs (rethrown as is), or the budget is
 * spent (RetryBudgetExhaustedError with the last error as cause). `attempt` gets its 0-based number.
 */
export async function withRetry<T>(attempt: (attemptNumber: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const { policy, deadlineAt, clock, random, signal } = options;
  const isTransient = options.isTransient ?? transientFcpError;
  for (let attemptNumber = 0; ; attemptNumber++) {
    try {
      return await attempt(attemptNumber);
    } catch (error) {
      if (!isTransient(error)) throw error;
      const attempts = attemptNumber + 1;
      if (attempts >= policy.maxAttempts) {
        throw new RetryBudgetExhaustedError(options.what, { attempts, reason: 'attempts', lastError: error });
      }
      const wait = backoffDelay(attemptNumber, policy, random);
      if (clock.now() + wait >= deadlineAt || signal?.aborted) {
        throw new RetryBudgetExhaustedError(options.what, { attempts, reason: 'deadline', lastError: error });
      }
      try {
        await clock.sleep(wait, signal);
      } catch {
        // Only an abort ends a sleep early: the caller's deadline passed while waiting.
        throw new RetryBudgetExhaustedError(options.what, { attempts, reason: 'deadline', lastError: error });
      }
    }
  }
}
