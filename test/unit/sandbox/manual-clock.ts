import type { SchedulingClock } from '../../../kernel/clock.js';

/** A clock that moves only when the test says so; scheduled work runs as time passes it. */
export function manualClock(start = 1_000_000): SchedulingClock & { advance(ms: number): void } {
  let now = start;
  let timers: { at: number; fn: () => void; id: number }[] = [];
  let nextId = 0;
  return {
    now: () => now,
    schedule(fn, ms) {
      const id = nextId++;
      timers.push({ at: now + Math.max(0, ms), fn, id });
      return () => {
        timers = timers.filter((t) => t.id !== id);
      };
    },
    advance(ms) {
      const until = now + ms;
      for (;;) {
        const due = timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at || a.id - b.id)[0];
        if (!due) break;
        timers = timers.filter((t) => t.id !== due.id);
        now = due.at;
        due.fn();
      }
      now = until;
    },
  };
}
