import { describe, expect, it } from 'vitest';
import { checkInventory } from '../../../infra/policy/guard.js';
import { inventoryFromPolicyResources, type PolicyResourceLike } from '../../../infra/policy/policy-inventory.js';

const provider = (name: string, region: string, role?: string) => ({
  type: 'pulumi:providers:aws',
  name,
  urn: `urn:pulumi:prod::fcp::pulumi:providers:aws::${name}`,
  props: { region, ...(role ? { defaultTags: { tags: { 'fcp:region-role': role } } } : {}) },
});

describe('inventoryFromPolicyResources', () => {
  const east = provider('aws-us-east-1', 'us-east-1', 'primary');
  const resources: PolicyResourceLike[] = [
    { type: 'pulumi:pulumi:Stack', name: 'fcp-prod', urn: 'urn:stack', props: {} },
    { type: 'fcp:infra:RegionStack', name: 'auth-us-east-1', urn: 'urn:component', props: {} },
    east,
    { type: 'aws:sns/topic:Topic', name: 'alarms', urn: 'urn:topic', props: { name: 'alarms' }, provider: east },
    { type: 'aws:sns/topic:Topic', name: 'stray', urn: 'urn:stray', props: {}, provider: provider('default_7_48_0', 'eu-west-1') },
  ];

  it('keeps cloud resources with the region of their provider; the default provider has none', () => {
    const { inventory } = inventoryFromPolicyResources(resources);
    expect(inventory.resources.map((r) => [r.type, r.name, r.region])).toEqual([
      ['aws:sns/topic:Topic', 'alarms', 'us-east-1'],
      ['aws:sns/topic:Topic', 'stray', null],
      ['pulumi:providers:aws', 'aws-us-east-1', 'us-east-1'],
    ]);
  });

  it('maps a violation back to the URN the policy engine reports against', async () => {
    const { inventory, urnOf } = inventoryFromPolicyResources(resources);
    const violation = (await checkInventory(inventory)).find((v) => v.rule === 'explicit-provider');
    expect(violation?.resource).toEqual({ type: 'aws:sns/topic:Topic', name: 'stray', region: null });
    expect(urnOf('aws:sns/topic:Topic', 'stray')).toBe('urn:stray');
  });
});
