import type { Millis } from '../../kernel/time.js';

/** A stretch of virtual time in which the engine must be stepped. */
export interface Span {
  from: Millis;
  to: Millis;
}

/** Sorts spans and merges those that overlap or touch within `gap`. */
export function mergeSpans(spans: readonly Span[], gap: Millis): Span[] {
  const sorted = [...spans].sort((a, b) => a.from - b.from || a.to - b.to);
  const merged: Span[] = [];
  for (const span of sorted) {
    const last = merged[merged.length - 1];
    if (last && span.from <= last.to + gap) last.to = Math.max(last.to, span.to);
    else merged.push({ from: span.from, to: span.to });
  }
  return merged;
}
