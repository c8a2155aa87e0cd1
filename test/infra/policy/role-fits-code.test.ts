import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../controller/config/load.js';
import { planPermissions, type PermissionNeed } from '../../../controller/replica/permissions.js';
import { actionsTheRoleNeeds } from '../../../infra/policy/controller-actions.js';
import { renderedControllerRole, type ControllerRole } from '../../../sandbox/iam/controller-role.js';
import { PolicyEvaluator } from '../../../sandbox/iam/evaluator.js';

/**
 * The synthesized controller role fits the code: every action the controller code sends is allowed
 * on the resources it sends it to (the sandbox world's identifiers in the role infra renders).
 */

const config = loadConfig('examples/sandbox.yaml');
let role: ControllerRole;

beforeAll(async () => {
  role = await renderedControllerRole(config);
}, 120_000);

/** Every call a replica in `region` makes: its plans, its Route 53 health signal, its own permission proof. */
function calls(region: string): PermissionNeed[] {
  return [
    ...planPermissions(config, region),
    ...Object.values(config.signals.route53HealthChecks ?? {}).map((id) => ({ action: 'route53:GetHealthCheckStatus', resource: `arn:aws:route53:::healthcheck/${id}` })),
    { action: 'iam:SimulatePrincipalPolicy', resource: role.regions[region]?.roleArn ?? '' },
  ];
}

const contextOf = (need: PermissionNeed) =>
  Object.fromEntries((need.context ?? []).map((entry) => [entry.ContextKeyName ?? '', entry.ContextKeyType?.endsWith('List') ? (entry.ContextKeyValues ?? []) : (entry.ContextKeyValues?.[0] ?? '')]));

/** Actions of the AWS-only audit checkpoints (`audit.checkpoints.mode: aws`): the sandbox signs with a local key and keeps a local file. */
const AWS_CHECKPOINTS_ONLY = ['kms:Sign', 's3:PutObject'];

describe('the synthesized controller role and the code', () => {
  it('knows a real call for every action the code sends (but the AWS-only checkpoint calls, which the role must still grant)', () => {
    const covered = new Set(config.regions.flatMap(({ name }) => calls(name).map((c) => c.action)));
    expect(actionsTheRoleNeeds().filter((action) => !covered.has(action) && !AWS_CHECKPOINTS_ONLY.includes(action))).toEqual([]);
    const granted = JSON.stringify(Object.values(role.regions).map((r) => r.policy));
    for (const action of AWS_CHECKPOINTS_ONLY) expect(granted).toContain(`"${action}"`);
  });

  it.each(config.regions.map((r) => r.name))('allows every call of the replica in %s on its real resources', (region) => {
    const policy = new PolicyEvaluator([role.regions[region]?.policy], `the ${region} task role`);
    const denied = calls(region)
      .map((need) => ({ ...need, decision: policy.evaluate({ action: need.action, resource: need.resource, context: contextOf(need) }) }))
      .filter((call) => call.decision !== 'allowed')
      .map((call) => `${call.action} on ${call.resource}: ${call.decision}`);
    expect(denied).toEqual([]);
  });

  it('does not let a replica write another region table replica', () => {
    const policy = new PolicyEvaluator([role.regions['us-east-1']?.policy], 'the us-east-1 task role');
    expect(policy.evaluate({ action: 'dynamodb:PutItem', resource: 'arn:aws:dynamodb:us-west-2:000000000000:table/fcp-state' })).toBe('implicitDeny');
  });
});
