import { z } from 'zod';
import { duration } from '../../../kernel/duration.js';
import { loadYamlFile, parseWith } from '../../../kernel/validate.js';
import { InputError } from '../../../kernel/errors.js';
import { deliverySchema, noiseSchema } from '../scenario.js';

/**
 * Benchmark profiles: what the world does besides the injected incidents. Each profile is data,
 * validated like a scenario (a bad parameter exits 2 naming its field): the background noise of
 * every probe path (Route 53's checkers included), how replicas' summaries reach the lease holder,
 * replica clock offsets, and long background conditions of one replica at a time: a flaky network
 * path, a process starved of CPU. The injected incidents are the same in every profile.
 */

const ratio = z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');
const identifier = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'use lower-case letters, digits and dashes, starting with a letter');

/** Periods of one replica (in turn) in a condition, covering `share` of the time, each `minDuration`-`maxDuration` long. */
const periods = {
  share: ratio,
  minDuration: duration({ min: 1000 }),
  maxDuration: duration({ min: 1000 }),
};

const profileSchema = z
  .strictObject({
    name: identifier,
    description: z.string().default(''),
    noise: noiseSchema.default('default'),
    delivery: deliverySchema,
    /** Replica clock offsets in ms (negative: behind), by region. */
    skew: z.record(z.string(), z.number().int('must be a whole number of milliseconds')).default({}),
    /** One replica's path loses a share `loss` of its probes to every region. */
    flaky: z.strictObject({ ...periods, loss: ratio }).optional(),
    /** One replica's process runs `minLag`-`maxLag` late (event loop and scheduler starved of CPU). */
    starved: z.strictObject({ ...periods, minLag: duration({ min: 1 }), maxLag: duration({ min: 1 }) }).optional(),
  })
  .superRefine((profile, ctx) => {
    for (const key of ['flaky', 'starved'] as const) {
      const p = profile[key];
      if (p && p.minDuration > p.maxDuration) ctx.addIssue({ code: 'custom', path: [key, 'minDuration'], message: `must not exceed ${key}.maxDuration` });
    }
    if (profile.starved && profile.starved.minLag > profile.starved.maxLag) ctx.addIssue({ code: 'custom', path: ['starved', 'minLag'], message: 'must not exceed starved.maxLag' });
  });

export type BenchProfile = z.output<typeof profileSchema>;
export type BenchProfileInput = z.input<typeof profileSchema>;

const BUILT_IN: BenchProfileInput[] = [
  { name: 'default', description: 'the default background noise: about one probe in 1,250 lost, timed out or slowed' },
  { name: 'noisy', description: 'ten times the default noise: a bad day on the network', noise: 'noisy' },
  { name: 'bursty-loss', description: '5% of probes lost, 4 points of it in per-path bursts of 3-10 s', noise: 'bursty' },
  {
    name: 'flaky-vantage',
    description: 'one replica at a time on a path losing 30% of its probes, 20-90 minutes at a stretch, half of the time',
    flaky: { share: 0.5, minDuration: '20m', maxDuration: '90m', loss: 0.3 },
  },
  {
    name: 'late-delivery',
    description: "a fifth of the replicas' published summaries reach the lease holder up to 8 s late, out of order",
    delivery: { delay: '300ms', late: 0.2, maxLate: '8s' },
  },
  { name: 'clock-skew', description: "one replica's clock 8 s ahead, another's 8 s behind", skew: { 'eu-west-1': 8000, 'us-east-1': -8000 } },
  {
    name: 'starved-observer',
    description: 'one replica at a time starved of CPU (its event loop 200 ms-2 s late), 1-30 minutes at a stretch, a third of the time',
    starved: { share: 1 / 3, minDuration: '1m', maxDuration: '30m', minLag: '200ms', maxLag: '2s' },
  },
];

export const PROFILES: readonly BenchProfile[] = BUILT_IN.map((input) => parseWith(profileSchema, input, `profile ${input.name}`));
export const PROFILE_NAMES = PROFILES.map((p) => p.name);

/** A profile given by name, `all`, or a YAML file of one profile; unknown names and bad files throw InputError (exit 2). */
export function resolveProfiles(spec: string): BenchProfile[] {
  if (spec === 'all') return [...PROFILES];
  if (/\.ya?ml$/.test(spec)) return [loadYamlFile(spec, profileSchema, 'profile')];
  const found = PROFILES.find((p) => p.name === spec);
  if (!found) throw new InputError(`unknown profile "${spec}"`, [`--profile: "${spec}" is not a profile; use one of ${PROFILE_NAMES.join(', ')}, all, or a profile file (.yaml)`]);
  return [found];
}

/** Validates a profile given as a value (tests). */
export function parseProfile(value: unknown): BenchProfile {
  return parseWith(profileSchema, value, 'profile');
}
