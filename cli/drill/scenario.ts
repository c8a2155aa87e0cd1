import { configuredPrimary } from '../../controller/domain/decide.js';
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { faultRequestSchema } from '../../sandbox/faults/spec.js';
import { duration } from '../../kernel/duration.js';
import type { Config } from '../../controller/config/schema.js';
import { loadYamlFile, parseWith } from '../../kernel/validate.js';
import { InputError } from '../../kernel/errors.js';
import { orderRollout, readStacks } from '../rollout/plan.js';
import { BAKE_RANGE } from '../rollout/rollout.js';

/** Where the shipped drill scenarios live; `--scenario NAME` means `NAME.yaml` here. */
export const SCENARIO_DIR = new URL('../../examples/drills/', import.meta.url).pathname;
/** Where a drill's rollout finds its stacks' settings files (`Pulumi.<stack>.yaml`): a split layout over the sandbox's regions. */
export const DRILL_STACK_DIR = join(SCENARIO_DIR, 'stacks');
/** A drill's bake is seconds long, so that the drill stays short. */
const MAX_DRILL_BAKE_MS = 60_000;

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
      /**
       * A progressive rollout run by `fcp rollout`'s own code, through the replicas' API: the stacks
       * (settings files in DRILL_STACK_DIR), in the order the controller gives them, each baked. A
       * stack's "apply" is the sandbox fault its change declares in `changes` (none: a good change).
       */
      rollout: z
        .strictObject({
          stacks: z.array(z.string()).min(1, 'name the stacks to roll out'),
          bake: duration({ min: BAKE_RANGE.min, max: MAX_DRILL_BAKE_MS }),
          commit: z.string().regex(/^[0-9a-f]{7,40}$/, 'the commit the rollout names: 7 to 40 lower-case hex digits'),
          changes: z.record(z.string(), fault).default({}),
        })
        .optional(),
      /** An operator's request instead of (or besides) faults. */
      request: z.strictObject({ kind: z.enum(['failover', 'switchover']), to: region, at: duration().default(0), reason: z.string().min(1).default('drill') }).optional(),
      /** How long to watch: the drill ends sooner once an expected flip has settled, or a rollout has ended and its halt was named. */
      watch: duration({ min: 5000, max: 30 * 60_000 }).default(120_000),
      expect: z.strictObject({
        outcome: z.enum(['failover', 'switchover', 'none'], 'must be failover, switchover or none (no flip at all)'),
        /** The region traffic and the writer must end in (default: any standby). */
        to: region.optional(),
        /** A classification the lease holder must report at least once during the drill. */
        classification: z.enum(CLASSIFICATIONS).optional(),
        /** The failover path must make no Route 53 control-plane call (ChangeResourceRecordSets, GetChange). */
        noRoute53Changes: z.boolean().default(false),
        /**
         * With a `rollout`: the stack whose bake must halt it (a stack whose change injects a
         * fault), or `{}` for a rollout that must finish. A halt must also keep the bad change to
         * one region, come within one bake of the breaking apply, and be named by a decision.
         */
        rollout: z.strictObject({ haltsAt: z.string().optional() }).optional(),
      }),
    })
    .superRefine((scenario, ctx) => {
      if (scenario.faults.length === 0 && !scenario.request && !scenario.rollout) ctx.addIssue({ code: 'custom', path: ['faults'], message: 'give at least one fault, a request or a rollout' });
      if (scenario.expect.outcome === 'switchover' && scenario.request?.kind !== 'switchover') {
        ctx.addIssue({ code: 'custom', path: ['expect', 'outcome'], message: 'a switchover is expected only with `request: {kind: switchover}`' });
      }
      scenario.faults.forEach((f, i) => {
        if ((f.at ?? 0) >= scenario.watch) ctx.addIssue({ code: 'custom', path: ['faults', i, 'at'], message: 'starts after the drill stops watching; raise `watch`' });
      });
      checkRollout(scenario, config, ctx);
    });
}

/** A rollout's stacks must be known and orderable against the deployment, its expectation must fit it, and the drill must watch long enough. */
function checkRollout(scenario: Pick<DrillScenario, 'rollout' | 'expect' | 'watch'>, config: Config, ctx: z.RefinementCtx): void {
  const { rollout, expect } = scenario;
  if (!rollout) {
    if (expect.rollout) ctx.addIssue({ code: 'custom', path: ['expect', 'rollout'], message: 'only with a `rollout` to rehearse' });
    return;
  }
  try {
    const primary = configuredPrimary(config);
    orderRollout(readStacks(DRILL_STACK_DIR, rollout.stacks), { primary, regions: config.regions.map((r) => r.name) });
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    ctx.addIssue({ code: 'custom', path: ['rollout', 'stacks'], message: `${error.message} (the stacks' files are ${DRILL_STACK_DIR}/Pulumi.<stack>.yaml)` });
  }
  for (const stack of Object.keys(rollout.changes)) {
    if (!rollout.stacks.includes(stack)) ctx.addIssue({ code: 'custom', path: ['rollout', 'changes', stack], message: `not one of rollout.stacks (${rollout.stacks.join(', ')})` });
  }
  if (!expect.rollout) ctx.addIssue({ code: 'custom', path: ['expect', 'rollout'], message: 'say what the rollout must do: `{haltsAt: STACK}` (the stack whose bake halts it) or `{}` (it finishes)' });
  else if (expect.rollout.haltsAt !== undefined && rollout.changes[expect.rollout.haltsAt] === undefined) {
    ctx.addIssue({ code: 'custom', path: ['expect', 'rollout', 'haltsAt'], message: `a stack whose change injects a fault (rollout.changes: ${Object.keys(rollout.changes).join(', ') || 'none'})` });
  }
  if (rollout.stacks.length * rollout.bake >= scenario.watch) {
    ctx.addIssue({ code: 'custom', path: ['watch'], message: `the rollout bakes ${rollout.stacks.length} stacks of ${rollout.bake}ms each; watch longer than that` });
  }
}

export type DrillScenario = z.output<ReturnType<typeof scenarioSchema>>;
export type DrillRollout = NonNullable<DrillScenario['rollout']>;
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

