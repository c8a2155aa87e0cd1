import { z } from 'zod';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;

/** Parses `250ms`, `1s`, `1.5s`, `10m`, `1h` into milliseconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  const [, amount, unit] = match as unknown as [string, string, keyof typeof UNIT_MS];
  return Math.round(Number(amount) * UNIT_MS[unit]);
}

/**
 * A duration in config: a string with a unit (`800ms`, `5s`, `10m`, `1h`) or a number of
 * milliseconds. Parsed to milliseconds.
 */
export function duration(options: { min?: number; max?: number } = {}) {
  const { min = 0, max = Number.MAX_SAFE_INTEGER } = options;
  return z
    .union([z.number(), z.string()])
    .transform((value, ctx) => {
      const ms = typeof value === 'number' ? value : parseDuration(value);
      if (ms === undefined || !Number.isFinite(ms)) {
        ctx.addIssue({
          code: 'custom',
          message: `${JSON.stringify(value)} is not a duration; write it like "800ms", "5s", "10m" or "1h"`,
        });
        return z.NEVER;
      }
      if (ms < min || ms > max) {
        ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)} must be between ${min}ms and ${max}ms` });
        return z.NEVER;
      }
      return ms;
    })
    .meta({ description: 'A duration such as "800ms", "5s", "10m", "1h", or a number of milliseconds.' });
}
