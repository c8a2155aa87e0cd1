import { PolicyPack } from '@pulumi/policy';
import { GUARD_RULES } from '../guard.js';
import { inventoryFromPolicyResources } from '../policy-inventory.js';

/**
 * The policy guard as a Pulumi policy pack, for teams running the real CLI:
 *   pulumi preview --policy-pack infra/policy/pack
 * Each guard rule is one mandatory stack policy, reported against the offending resource.
 */
new PolicyPack('fcp-guard', {
  description: 'Failover control plane: encrypted, protected, replicated, least-privilege, one controller per region',
  enforcementLevel: 'mandatory',
  policies: GUARD_RULES.map((rule) => ({
    name: rule.id,
    description: rule.description,
    validateStack: async (args, reportViolation) => {
      const { inventory, urnOf } = inventoryFromPolicyResources(args.resources);
      for (const violation of await rule.check(inventory)) {
        const urn = violation.resource ? urnOf(violation.resource.type, violation.resource.name) : undefined;
        reportViolation(violation.message, urn);
      }
    },
  })),
});
