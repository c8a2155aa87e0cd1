import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../../kernel/errors.js';
import { deploymentOutputsSchema, type DeploymentOutputs } from '../outputs.js';
import { readStackFile, referencedStack, type StackFile, type Tier } from '../stack-tiers.js';
import { PROVIDER_TYPE, resourceKey, sortInventory, type Inventory, type InventoryResource } from './inventory.js';
import { readStackConfig } from './stack-file.js';
import { synthesizeConfig, type Synthesis } from './synthesize.js';

/** `Pulumi.prod-us-east-1.yaml` -> `prod-us-east-1`. */
export const stackNameOf = (path: string): string => basename(path).replace(/^Pulumi\./, '').replace(/\.ya?ml$/, '');

/** The stacks a stack reads through references: the shared stack, and for the endpoints stack every region's. */
function referencesOf(file: StackFile): string[] {
  if (file.tier === 'region') return [file.region.shared];
  if (file.tier === 'endpoints') return [file.endpoints.shared, ...Object.values(file.endpoints.regions)];
  return [];
}

export interface StackSynthesis extends Synthesis<unknown> {
  name: string;
  tier: Tier;
}

/**
 * Synthesizes the stacks of one directory's layout under mocks, each once: a stack that reads
 * others through stack references gets the outputs of their synths (their settings files stand
 * beside it, `Pulumi.<stack>.yaml`).
 */
export class LayoutSynth {
  private readonly done = new Map<string, StackSynthesis>();

  /** Every stack synthesized so far, dependencies first. */
  get stacks(): StackSynthesis[] {
    return [...this.done.values()];
  }

  async stack(path: string): Promise<StackSynthesis> {
    const found = this.done.get(path);
    if (found) return found;
    const file = readStackFile(path);
    const references: Record<string, unknown> = {};
    for (const reference of referencesOf(file)) {
      const referenced = join(dirname(path), `Pulumi.${referencedStack(reference)}.yaml`);
      references[reference] = (await this.stack(referenced)).outputs;
    }
    const synthesis = await synthesizeConfig(readStackConfig(path), references, stackNameOf(path));
    const result = { ...synthesis, name: stackNameOf(path), tier: file.tier };
    this.done.set(path, result);
    return result;
  }
}

/** The endpoints stack of the deployment a stack file belongs to: it reads every other stack. */
function endpointsStackOf(path: string, file: StackFile): string {
  if (file.tier === 'endpoints') return path;
  const shared = file.tier === 'region' ? referencedStack(file.region.shared) : stackNameOf(path);
  const dir = dirname(path);
  for (const name of readdirSync(dir).filter((n) => /^Pulumi\..+\.ya?ml$/.test(n)).sort()) {
    let candidate: StackFile;
    try {
      candidate = readStackFile(join(dir, name));
    } catch {
      continue; // another deployment's stack, or not a stack file of this program
    }
    if (candidate.tier === 'endpoints' && referencedStack(candidate.endpoints.shared) === shared) return join(dir, name);
  }
  throw new InputError(`no endpoints stack in ${dir} refers to the shared stack ${shared}`, [`${path}: the whole deployment is the shared stack, one stack per region and an endpoints stack (fcp:tier: endpoints) naming them all`]);
}

/**
 * Several stacks' inventories as one. A provider each stack declares for itself is one provider;
 * any other resource declared by two stacks is a mistake in the layout.
 */
export function mergeInventories(stacks: readonly { name: string; inventory: Inventory }[]): Inventory {
  const merged = new Map<string, { from: string; resource: InventoryResource }>();
  for (const stack of stacks) {
    for (const resource of stack.inventory.resources) {
      const key = resourceKey(resource);
      const seen = merged.get(key);
      if (!seen) merged.set(key, { from: stack.name, resource });
      else if (resource.type !== PROVIDER_TYPE || JSON.stringify(seen.resource) !== JSON.stringify(resource)) {
        throw new InputError(`${resource.type} ${resource.name} is declared by both ${seen.from} and ${stack.name}`, [`${stack.name}: a resource belongs to one stack`]);
      }
    }
  }
  return sortInventory([...merged.values()].map((m) => m.resource));
}

/** The whole deployment a stack file belongs to: every stack of its layout, merged; its outputs are the endpoints stack's. */
export async function synthesizeDeployment(path: string): Promise<{ inventory: Inventory; outputs: DeploymentOutputs; stacks: StackSynthesis[] }> {
  const file = readStackFile(path);
  const layout = new LayoutSynth();
  const last = await layout.stack(file.tier === 'whole' ? path : endpointsStackOf(path, file));
  const stacks = layout.stacks;
  return { inventory: mergeInventories(stacks), outputs: deploymentOutputsSchema.parse(last.outputs), stacks };
}
