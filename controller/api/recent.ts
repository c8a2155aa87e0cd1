import type { Millis } from '../../kernel/time.js';

/**
 * Wraps a slow read (AWS calls) so that callers within `maxAgeMs` of the last read share its result,
 * and concurrent callers share one read in flight: a dashboard polling every replica does not turn
 * into an AWS call per request.
 */
export function recent<T>(read: () => Promise<T>, maxAgeMs: Millis, now: () => Millis): () => Promise<T> {
  let last: { at: Millis; value: Promise<T> } | undefined;
  return () => {
    const at = now();
    if (last && at - last.at < maxAgeMs) return last.value;
    const value = read();
    const entry = { at, value };
    last = entry;
    // A failed read is not kept: the next caller tries again.
    value.catch(() => {
      if (last === entry) last = undefined;
    });
    return value;
  };
}
