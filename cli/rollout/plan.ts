import { join } from 'node:path';
import { readStackFile, type StackFile, type Tier } from '../../infra/stack-tiers.js';
import { InputError } from '../../kernel/errors.js';

/** One stack of a rollout, in the order it is applied, with the regions its bake watches. */
export interface RolloutStep {
  stack: string;
  tier: Tier;
  /** `deployment-wide` stacks touch every region; a region stack is its region's `standby` or `primary` stack. */
  role: 'deployment-wide' | 'standby' | 'primary';
  regions: string[];
}

// Starts with a letter or digit, so a name put in the apply command can never read as an option.
const STACK_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** Reads each named stack's settings file (`<dir>/Pulumi.<stack>.yaml`). An unknown or invalid stack is bad input. */
export function readStacks(dir: string, names: readonly string[]): { name: string; file: StackFile }[] {
  if (names.length === 0) throw new InputError('no stacks to roll out', ['--stacks: name the stacks, comma-separated (e.g. prod-shared,prod-us-west-2,prod-us-east-1)']);
  return names.map((name, index) => {
    if (!STACK_NAME.test(name)) throw new InputError(`bad stack name "${name}"`, [`--stacks: "${name}" is not a stack name (letters, digits, ".", "_", "-", starting with a letter or digit)`]);
    if (names.indexOf(name) !== index) throw new InputError(`stack ${name} is listed twice`, ['--stacks: name each stack once']);
    try {
      return { name, file: readStackFile(join(dir, `Pulumi.${name}.yaml`)) };
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      throw new InputError(`unknown stack "${name}": ${error.message}`, [`--stacks: ${name} needs a valid settings file Pulumi.${name}.yaml in ${dir} (--dir)`, ...error.problems]);
    }
  });
}

/**
 * The order a change goes out in: deployment-wide stacks first (the region stacks read them), then
 * each standby region's stack in the order given, then the current primary's stack last (a bad
 * change should meet a standby first), then the stacks that read every region (endpoints).
 */
export function orderRollout(stacks: readonly { name: string; file: StackFile }[], live: { primary: string; regions: readonly string[] }): RolloutStep[] {
  const everyRegion = [...live.regions];
  const steps = stacks.map(({ name, file }): RolloutStep => {
    if (file.tier !== 'region') return { stack: name, tier: file.tier, role: 'deployment-wide', regions: everyRegion };
    const region = file.region.name;
    if (!live.regions.includes(region)) {
      throw new InputError(`stack ${name} is for ${region}, which the controller does not know`, [`--stacks: the controller's regions are ${live.regions.join(', ')}`]);
    }
    return { stack: name, tier: file.tier, role: region === live.primary ? 'primary' : 'standby', regions: [region] };
  });
  steps.forEach((step, index) => {
    const twin = steps.findIndex((other) => other.tier === 'region' && other.regions[0] === step.regions[0]);
    if (step.tier === 'region' && twin !== index) throw new InputError(`stacks ${steps[twin]!.stack} and ${step.stack} are both for ${step.regions[0]}`, ['--stacks: one stack per region']);
  });
  const rank = (step: RolloutStep) => (step.tier === 'endpoints' ? 3 : step.role === 'deployment-wide' ? 0 : step.role === 'standby' ? 1 : 2);
  // Array.prototype.sort is stable: within a rank the order given stands.
  return [...steps].sort((a, b) => rank(a) - rank(b));
}
