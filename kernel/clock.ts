import { setTimeout as delay } from 'node:timers/promises';
import type { Millis } from './time.js';

/**
 * Time as a dependency: adapters and the retry policy read the time and wait through this, so tests
 * can drive them without real waiting.
 */
export interface Clock {
  now(): Millis;
  /** Waits `ms`; rejects as soon as `signal` aborts. */
  sleep(ms: Millis, signal?: AbortSignal): Promise<void>;
}

/**
 * Time for parts that schedule work instead of awaiting it (the sandbox's fault expiry and traffic
 * pacing), so unit tests can drive them with a manual clock.
 */
export interface SchedulingClock {
  now(): Millis;
  /** Runs `fn` after `ms`; returns a function that cancels it. Real timers are unref'd. */
  schedule(fn: () => void, ms: Millis): () => void;
}

export const systemClock: Clock & SchedulingClock = {
  now: () => Date.now(),
  sleep: async (ms, signal) => {
    await delay(ms, undefined, signal ? { signal } : undefined);
  },
  schedule(fn, ms) {
    const timer = setTimeout(fn, Math.max(0, ms));
    timer.unref();
    return () => clearTimeout(timer);
  },
};

/** An AbortSignal that fires at `deadlineAt` (by `clock`), or when `parent` aborts. */
export function deadlineSignal(deadlineAt: Millis, clock: Clock, parent?: AbortSignal): AbortSignal {
  const timeout = AbortSignal.timeout(Math.max(0, Math.ceil(deadlineAt - clock.now())));
  return parent ? AbortSignal.any([timeout, parent]) : timeout;
}
