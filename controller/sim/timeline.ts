import type { Millis } from '../domain/time.js';
import type { Decision } from '../domain/types.js';

/** One line of a simulation's story: ground truth (incidents) and what the engine saw and decided. */
export interface TimelineEntry {
  at: Millis;
  /** Milliseconds since the scenario start. */
  offsetMs: Millis;
  kind: 'incident' | 'verdict' | 'classification' | 'decision';
  text: string;
  decision?: Decision;
}

/** `12.0s`, `2m05.0s`, `1h02m05.0s`: an offset from the scenario start. */
export function formatOffset(ms: Millis): string {
  const seconds = (ms % 60_000) / 1000;
  const minutes = Math.floor(ms / 60_000) % 60;
  const hours = Math.floor(ms / 3_600_000);
  if (hours === 0 && minutes === 0) return `t+${seconds.toFixed(1)}s`;
  const secondsText = seconds.toFixed(1).padStart(4, '0');
  if (hours === 0) return `t+${minutes}m${secondsText}s`;
  return `t+${hours}h${String(minutes).padStart(2, '0')}m${secondsText}s`;
}

export function renderTimeline(entries: readonly TimelineEntry[]): string {
  return entries.map((entry) => `${formatOffset(entry.offsetMs).padEnd(13)} ${entry.kind.padEnd(14)} ${entry.text}`).join('\n');
}

/**
 * The engine explains itself on every step, with running numbers (`failed for 1s of 2s`). Two
 * reasons that differ only in numbers say the same thing; the timeline shows the first of them.
 */
export function reasonKey(reason: string): string {
  return reason.replace(/\d+(\.\d+)?/g, '#');
}
