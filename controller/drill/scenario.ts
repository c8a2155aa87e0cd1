import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { faultRequestSchema } from '../../sandbox/faults/spec.js';
import { duration } from '../config/duration.js';
import type { Config } from '../config/schema.js';
import { loadYamlFile } from '../config/validate.js';
import type { Millis } from '../domain/time.js';
import { InputError } from '../errors.js';

/** Where the shipped drill scenarios live; `--scenario NAME` means `NAME.yaml` here. */
export const SCENARIO_DIR = new URL('../../examples/drills/', import.meta.url).pathname;

const CLASSIFICATIONS = ['regional', 'global', 'observer', 'partition', 'none'] as const;

/**
 * A drill scenario: a fault schedule (several faults at once, each at an offset and for a
 * duration), optionally an operator request, and what the controller is expected to do. Faults
 * are validated like `fcp sandbox fault` requests, against the deployment's regions.
 */
function scenarioSchema(config: Config) {
  const regions = config.regions.map((r) => r.name);
  const region = z.string().refine((value) => regions.includes(value), { error: (issue) => `${JSON.stringify(issue.input)} is not a configured region (${regions.join(', ')})` });
  const arcEndpointRegions = config.traffic.mechanism === 'arc' ? config.traffic.clusterEndpoints.map((e) => e.region) : [];
  const fault = faultRequestSchema({ regions, arcEndpointRegions });
  return z
    .strictObject({
      name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower-case letters, digits and "-"'),
      description: z.string().min(1, 'say what the drill rehearses'),
      /** Start with this region's replica holding the lease (the hardest place for it to be). */
      leaseHolder: region.optional(),
      /** Client requests per second during the drill. */
      traffic: z.strictObject({ rate: z.number().int().min(1).max(200).default(20) }).prefault({}),
      faults: z.array(z.strictObject({ at: duration().default(0), fault })).default([]),
      /** An operator's request instead of (or besides) faults. */
      request: z.strictObject({ kind: z.enum(['failover', 'switchover']), to: region, at: duration().default(0), reason: z.string().min(1).default('drill') }).optional(),
      /** How long to watch: the drill ends sooner once an expected flip has settled. */
      watch: duration({ min: 5000, max: 30 * 60_000 }).default(120_000),
      expect: z.strictObject({
        outcome: z.enum(['failover', 'switchover', 'none'], 'must be failover, switchover or none (no flip at all)'),
        /** The region traffic and the writer must end in (default: any standby). */
        to: region.optional(),
        /** A classification the lease holder must report at least once during the drill. */
        classification: z.enum(CLASSIFICATIONS).optional(),
        /** The failover path must make no Route 53 control-plane call (ChangeResourceRecordSets, GetChange). */
        noRoute53Changes: z.boolean().default(false),
      }),
    })
    .superRefine((scenario, ctx) => {
      if (scenario.faults.length === 0 && !scenario.request) ctx.addIssue({ code: 'custom', path: ['faults'], message: 'give at least one fault or a request' });
      if (scenario.expect.outcome === 'switchover' && scenario.request?.kind !== 'switchover') {
        ctx.addIssue({ code: 'custom', path: ['expect', 'outcome'], message: 'a switchover is expected only with `request: {kind: switchover}`' });
      }
      scenario.faults.forEach((f, i) => {
        if (f.at >= scenario.watch) ctx.addIssue({ code: 'custom', path: ['faults', i, 'at'], message: 'starts after the drill stops watching; raise `watch`' });
      });
    });
}

export type DrillScenario = z.output<ReturnType<typeof scenarioSchema>>;
export type DrillFault = DrillScenario['faults'][number];

/** The shipped scenarios' names. */
export function shippedScenarios(): string[] {
  return readdirSync(SCENARIO_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => basename(f, '.yaml'))
    .sort();
}

/** `NAME` (a shipped scenario) or a path to a scenario file; throws InputError with every problem and its path. */
export function loadDrillScenario(nameOrFile: string, config: Config): DrillScenario {
  const shipped = join(SCENARIO_DIR, `${nameOrFile}.yaml`);
  const file = /^[a-z0-9-]+$/.test(nameOrFile) && existsSync(shipped) ? shipped : nameOrFile;
  if (!existsSync(file)) {
    throw new InputError(`unknown drill scenario "${nameOrFile}"`, [`--scenario: a scenario file, or one of ${shippedScenarios().join(', ')}`]);
  }
  return loadYamlFile(file, scenarioSchema(config), 'drill scenario');
}

/** When the last fault ends (or starts, for one without a duration), from the injection. */
export function faultsSpan(scenario: DrillScenario): Millis {
  return Math.max(0, ...scenario.faults.map((f) => f.at + (f.fault.for ?? 0)), scenario.request?.at ?? 0);
}
