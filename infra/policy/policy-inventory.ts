import { PROVIDER_TYPE, sortInventory, type Inventory } from '../synth/inventory.js';

/** The parts of a `@pulumi/policy` PolicyResource the guard needs (structural, so tests need no engine). */
export interface PolicyResourceLike {
  type: string;
  name: string;
  urn: string;
  props: Record<string, unknown>;
  provider?: { type: string; name: string; props: Record<string, unknown> };
}

/** Pulumi names the providers it creates implicitly `default` or `default_<version>`. */
const isDefaultProvider = (name: string) => name === 'default' || name.startsWith('default_');

/** Components and the stack itself are not cloud resources; the inventory leaves them out. */
const isCloudResource = (type: string) => type.startsWith('pulumi:providers:') || !(type.startsWith('pulumi:') || type.startsWith('fcp:'));

function regionOf(resource: PolicyResourceLike): string | null {
  const region = resource.type === PROVIDER_TYPE ? resource.props.region : resource.provider && !isDefaultProvider(resource.provider.name) ? resource.provider.props.region : undefined;
  return typeof region === 'string' && region !== '' ? region : null;
}

/** The component a stack of the split layout registers to say which tier it is (infra/tiers/). */
export const STACK_TIER_TYPE = 'fcp:infra:StackTier';

/**
 * Which guard rules a stack can keep: a stack of the split layout holds a part of the deployment, so
 * the rules about the whole deployment (`synth --deployment` checks them) do not apply to it.
 */
export function guardScopeOf(resources: readonly Pick<PolicyResourceLike, 'type'>[]): 'stack' | 'deployment' {
  return resources.some((r) => r.type === STACK_TIER_TYPE) ? 'stack' : 'deployment';
}

/** The guard's inventory from a `pulumi preview` stack as the policy engine sees it, with each resource's URN. */
export function inventoryFromPolicyResources(resources: readonly PolicyResourceLike[]): { inventory: Inventory; urnOf(type: string, name: string): string | undefined } {
  const cloud = resources.filter((r) => isCloudResource(r.type));
  const urns = new Map(cloud.map((r) => [`${r.type}::${r.name}`, r.urn]));
  return {
    inventory: sortInventory(cloud.map((r) => ({ type: r.type, name: r.name, region: regionOf(r), props: r.props }))),
    urnOf: (type, name) => urns.get(`${type}::${name}`),
  };
}
