import { setTimeout as delay } from 'node:timers/promises';
import type { Millis } from '../domain/time.js';

/**
 * Time as a dependency: adapters and the retry policy read the time and wait through this, so tests
 * can drive them without real waiting.
 */
export interface Clock {
  now(): Millis;
  /** Waits `ms`; rejects as soon as `signal` aborts. */
  sleep(ms: Millis, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms, signal) => {
    await delay(ms, undefined, signal ? { signal } : undefined);
  },
};

/** An AbortSignal that fires at `deadlineAt` (by `clock`), or when `parent` aborts. */
export function deadlineSignal(deadlineAt: Millis, clock: Clock, parent?: AbortSignal): AbortSignal {
  const timeout = AbortSignal.timeout(Math.max(0, Math.ceil(deadlineAt - clock.now())));
  return parent ? AbortSignal.any([timeout, parent]) : timeout;
}
