import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { faultRequestSchema } from '../../sandbox/faults/spec.js';
import { duration } from '../../kernel/duration.js';
import type { Config } from '../../controller/config/schema.js';
import { loadYamlFile, parseWith } from '../../kernel/validate.js';
import { InputError } from '../../kernel/errors.js';

/** Where the shipped drill scenarios live; `--scenario NAME` means `NAME.yaml` here. */
export const SCENARIO_DIR = new URL('../../examples/drills/', import.meta.url).pathname;

const CLASSIFICATIONS = ['regional', 'global', 'observer', 'partition', 'none'] as const;
const STEP_KINDS = ['check-target-ready', 'fence-old-writer', 'promote-database', 'wait-for-writer', 'flip-db-endpoints', 'flip-traffic', 'verify'] as const;

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
      /**
       * The fault schedule: each entry happens `at` an offset from the start, or right when a plan
       * step of the kind `afterStep` ends (a step boundary). It is a sandbox `fault`, or the `crash`
       * of one region's replica (as SIGKILL would: no lease release).
       */
      faults: z
        .array(
          z
            .strictObject({ at: duration().optional(), afterStep: z.enum(STEP_KINDS).optional(), fault: fault.optional(), crash: region.optional() })
            .superRefine((entry, ctx) => {
              if ((entry.fault === undefined) === (entry.crash === undefined)) ctx.addIssue({ code: 'custom', path: ['fault'], message: 'give exactly one of `fault` (a sandbox fault) or `crash` (a region whose replica dies)' });
              if (entry.at !== undefined && entry.afterStep !== undefined) ctx.addIssue({ code: 'custom', path: ['afterStep'], message: 'give `at` or `afterStep`, not both' });
            }),
        )
        .default([]),
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
        if ((f.at ?? 0) >= scenario.watch) ctx.addIssue({ code: 'custom', path: ['faults', i, 'at'], message: 'starts after the drill stops watching; raise `watch`' });
      });
    });
}

export type DrillScenario = z.output<ReturnType<typeof scenarioSchema>>;
export type DrillFault = DrillScenario['faults'][number];

/** Validates a scenario given as a value (the fault matrix builds its scenarios this way). */
export function parseDrillScenario(value: unknown, config: Config): DrillScenario {
  return parseWith(scenarioSchema(config), value, 'drill scenario');
}

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

