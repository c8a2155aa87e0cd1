import * as pulumi from '@pulumi/pulumi';
import { InputError } from '../kernel/errors.js';
import { STACK_TIER_TYPE } from './policy/policy-inventory.js';
import { defineInfrastructure } from './program.js';
import { SETTINGS_NAMESPACE } from './settings.js';
import { ENDPOINTS_CONFIG_KEY, parseStackConfig, REGION_CONFIG_KEY, TIER_KEY } from './stack-tiers.js';
import { SETTINGS_CONFIG_KEY } from './synth/stack-file.js';
import { defineEndpointsTier } from './tiers/endpoints.js';
import { defineRegionTier } from './tiers/region.js';
import { defineSharedTier } from './tiers/shared.js';

/** A marker with no cloud resource: which tier of the split layout this stack is. */
class StackTier extends pulumi.ComponentResource {
  constructor(tier: string) {
    super(STACK_TIER_TYPE, tier);
    this.registerOutputs({});
  }
}

/** The stack config keys the program reads, without their namespace. */
const keyOf = (configKey: string) => configKey.slice(SETTINGS_NAMESPACE.length + 1);

/**
 * The Pulumi program: stack config -> validated settings -> components -> stack outputs. The stack's
 * `fcp:tier` picks the layout: the whole deployment (none), or its shared, region or endpoints stack.
 * Invalid settings stop the program before any resource is declared, listing every problem with its path.
 */
export default async function main(): Promise<unknown> {
  const config = new pulumi.Config(SETTINGS_NAMESPACE);
  const values: Record<string, unknown> = {};
  const tier = config.get(keyOf(TIER_KEY));
  if (tier !== undefined) values[TIER_KEY] = tier;
  for (const key of [SETTINGS_CONFIG_KEY, REGION_CONFIG_KEY, ENDPOINTS_CONFIG_KEY]) {
    const value = config.getObject<unknown>(keyOf(key));
    if (value !== undefined) values[key] = value;
  }
  if (tier === undefined && values[SETTINGS_CONFIG_KEY] === undefined) {
    throw new pulumi.RunError(`the stack has no \`${SETTINGS_CONFIG_KEY}\` setting; copy Pulumi.example.yaml to Pulumi.<stack>.yaml and edit it (or see infra/README.md for the split layout)`);
  }
  try {
    const stack = parseStackConfig(values, 'stack settings');
    // Says which part of the deployment this stack is (the policy pack keeps whole-deployment rules for the whole).
    if (stack.tier !== 'whole') new StackTier(stack.tier);
    switch (stack.tier) {
      case 'whole':
        return defineInfrastructure(stack.settings);
      case 'shared':
        return defineSharedTier(stack.settings);
      case 'region':
        return await defineRegionTier(stack.region);
      case 'endpoints':
        return await defineEndpointsTier(stack.endpoints);
    }
  } catch (error) {
    if (error instanceof InputError) {
      // RunError prints without a stack trace: the problems are the whole message.
      throw new pulumi.RunError([error.message, ...error.problems.map((p) => `  - ${p}`)].join('\n'));
    }
    throw error;
  }
}
