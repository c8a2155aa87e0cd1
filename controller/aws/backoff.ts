import type { Millis } from '../../kernel/time.js';

/** Capped exponential backoff. `base` doubles per retry up to `cap`. */
export interface BackoffPolicy {
  base: Millis;
  cap: Millis;
}

/** A random source in [0, 1), injected so delays are reproducible in tests. */
export type RandomSource = () => number;

/**
 * The wait before retry number `retry` (0 for the first retry): "full jitter", a uniform draw in
 * [0, min(cap, base * 2^retry)). Spreading retries over the whole window keeps many replicas that
 * failed together from retrying together, which is what turns a throttling blip into a storm.
 */
export function backoffDelay(retry: number, policy: BackoffPolicy, random: RandomSource): Millis {
  const ceiling = Math.min(policy.cap, policy.base * 2 ** Math.min(retry, 30));
  return Math.floor(random() * ceiling);
}
