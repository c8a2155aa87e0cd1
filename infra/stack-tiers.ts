import { z } from 'zod';
import { InputError } from '../kernel/errors.js';
import { parseWith } from '../kernel/validate.js';
import { networkSchema, regionName, sharedSettingsSchema, stackSettingsSchema, type SharedSettings, type StackSettings } from './settings.js';
import { readStackConfig, SETTINGS_CONFIG_KEY } from './synth/stack-file.js';

/**
 * The stacks of a deployment. One stack may hold it all (`whole`, the original layout), or it is
 * split in tiers, each stack with its own settings file, so a change reaches one region at a time:
 *
 *   shared     deployment-wide: global cluster, public zone, health checks, ARC, state table, audit
 *   region     one per region: its network, its cluster and instances, its controller service
 *   endpoints  needs every region: the private DB endpoint zone and what each controller is told
 *
 * References run one way (region -> shared; endpoints -> shared and every region), so no tier waits
 * for one that waits for it. A stack file says its tier in `fcp:tier` (absent: `whole`).
 */

export const TIER_KEY = 'fcp:tier';
export const REGION_CONFIG_KEY = 'fcp:region';
export const ENDPOINTS_CONFIG_KEY = 'fcp:endpoints';

const TIERS = ['shared', 'region', 'endpoints'] as const;

/** A Pulumi stack reference: `stack`, `project/stack` or `org/project/stack`. */
const stackReference = z.string().regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+){0,2}$/, 'a stack reference such as "acme/failover-control-plane/auth-prod-shared"');

export const regionStackSchema = z.strictObject({
  /** The shared stack this region's stack reads the deployment's settings and global resources from. */
  shared: stackReference,
  name: regionName,
  network: networkSchema,
});

export const endpointsStackSchema = z.strictObject({
  shared: stackReference,
  /** Every region's stack, by region. */
  regions: z.record(z.string(), stackReference),
});

export type RegionStackSettings = z.output<typeof regionStackSchema>;
export type EndpointsStackSettings = z.output<typeof endpointsStackSchema>;

export type StackFile =
  | { tier: 'whole'; settings: StackSettings }
  | { tier: 'shared'; settings: SharedSettings }
  | { tier: 'region'; region: RegionStackSettings }
  | { tier: 'endpoints'; endpoints: EndpointsStackSettings };
export type Tier = StackFile['tier'];

/** The stack name a reference names (its last part): its settings file is `Pulumi.<name>.yaml`. */
export const referencedStack = (reference: string): string => reference.slice(reference.lastIndexOf('/') + 1);

function required(config: Record<string, unknown>, key: string, source: string, tier: string): unknown {
  const value = config[key];
  if (value === undefined) throw new InputError(`${source} has no \`config.${key}\` (the settings of a ${tier} stack)`, [`${source}: add them under config: ${key}: (see Pulumi.example.yaml, or infra/README.md for the split layout)`]);
  return value;
}

/**
 * Validates a stack's config (the `config` map of its file, or what Pulumi passes the program) for
 * its tier; every problem is listed with its path.
 */
export function parseStackConfig(config: Record<string, unknown>, source: string): StackFile {
  const tier = config[TIER_KEY];
  const where = (key: string) => `${source} ${key}`;
  switch (tier) {
    case undefined:
      return { tier: 'whole', settings: parseWith(stackSettingsSchema, required(config, SETTINGS_CONFIG_KEY, source, 'whole'), where(SETTINGS_CONFIG_KEY)) };
    case 'shared':
      return { tier, settings: parseWith(sharedSettingsSchema, required(config, SETTINGS_CONFIG_KEY, source, tier), where(SETTINGS_CONFIG_KEY)) };
    case 'region':
      return { tier, region: parseWith(regionStackSchema, required(config, REGION_CONFIG_KEY, source, tier), where(REGION_CONFIG_KEY)) };
    case 'endpoints':
      return { tier, endpoints: parseWith(endpointsStackSchema, required(config, ENDPOINTS_CONFIG_KEY, source, tier), where(ENDPOINTS_CONFIG_KEY)) };
    default:
      throw new InputError(`${source} has an unknown tier ${JSON.stringify(tier)}`, [`${TIER_KEY}: one of ${TIERS.join(', ')}, or leave it out for the whole deployment in one stack`]);
  }
}

/** Reads and validates a stack file (`Pulumi.<stack>.yaml`) of any tier. */
export function readStackFile(path: string): StackFile {
  return parseStackConfig(readStackConfig(path), `stack file ${path}`);
}
