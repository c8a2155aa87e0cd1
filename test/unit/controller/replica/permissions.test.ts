import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AwsCaller } from '../../../../controller/aws/caller.js';
import { AwsClients } from '../../../../controller/aws/clients.js';
import { loadConfig } from '../../../../controller/config/load.js';
import type { Config } from '../../../../controller/config/schema.js';
import { PermissionProof, planPermissions, principalOf } from '../../../../controller/replica/permissions.js';
import { actionsTheRoleNeeds } from '../../../../infra/policy/controller-actions.js';
import { createIamEmulator, type IamEmulator } from '../../../../sandbox/iam/api.js';
import { renderedControllerRole } from '../../../../sandbox/iam/controller-role.js';
import { PolicyEvaluator } from '../../../../sandbox/iam/evaluator.js';
import { IamGate } from '../../../../sandbox/iam/gate.js';
import { faultSwitch, listen, type Loopback } from '../../sandbox/rds/loopback.js';

/** The permission proof against the sandbox's IAM (the same evaluator and rendered role that guard every emulated call). */

const base = loadConfig('examples/sandbox.yaml');
const faults = faultSwitch();
let server: Loopback;
let config: Config;
let rendered: Awaited<ReturnType<typeof renderedControllerRole>>;
let policies: Record<string, unknown>;
let iam: IamEmulator;

beforeAll(async () => {
  rendered = await renderedControllerRole(base);
  server = await listen((req, res) => iam.handle(req, res));
  config = { ...base, aws: { ...base.aws, endpoints: { ...base.aws.endpoints, iam: server.url, sts: server.url } } };
}, 120_000);
afterAll(() => server.close());

beforeEach(() => {
  faults.clear();
  policies = Object.fromEntries(Object.entries(rendered.regions).map(([region, r]) => [region, structuredClone(r.policy)]));
  serveWith(policies);
});

function serveWith(byRegion: Record<string, unknown>): void {
  const gate = new IamGate(Object.entries(rendered.regions).map(([region, r]) => ({ accessKeyId: `SANDBOX-${region}`, roleArn: r.roleArn, policy: new PolicyEvaluator([byRegion[region]], 'test') })));
  iam = createIamEmulator({ faults: faults.view, gate });
}

function proof(region: string, options: { provenFor?: number; deniedFor?: number } = {}) {
  const caller = new AwsCaller({ clients: new AwsClients(config.aws, region), policy: { base: 10, cap: 50, maxAttempts: 2 }, requestTimeout: 1000 });
  return new PermissionProof({ caller, region, needs: planPermissions(config, region), ...options });
}

const budget = () => ({ deadlineAt: Date.now() + 5000 });

function without(region: string, action: string): void {
  const policy = policies[region] as { Statement: { Action: string[] }[] };
  for (const statement of policy.Statement) statement.Action = statement.Action.filter((a) => a !== action);
  policy.Statement = policy.Statement.filter((statement) => statement.Action.length > 0);
  serveWith(policies);
}

describe('the permission proof', () => {
  it('proves every action of every plan with the role infra renders', async () => {
    const conditions = await proof('us-west-2').conditions(budget());
    expect(conditions).toEqual([expect.objectContaining({ type: 'PermissionsProven', status: 'true', message: expect.stringContaining('arn:aws:iam::000000000000:role/auth-sandbox-us-west-2-controller') })]);
  });

  it.each([
    { action: 'rds:SwitchoverGlobalCluster', regions: ['us-east-1', 'us-west-2', 'eu-west-1'] },
    { action: 'route53-recovery-cluster:UpdateRoutingControlStates', regions: [undefined] },
    { action: 'route53:GetChange', regions: [undefined] },
  ])('names a denied write action in a false condition: $action', async ({ action, regions }) => {
    without('eu-west-1', action);
    const conditions = await proof('eu-west-1').conditions(budget());
    expect(conditions.every((c) => c.type === 'PermissionAllowed' && c.status === 'false' && c.reason === 'ImplicitDeny')).toBe(true);
    expect(conditions.map((c) => c.region)).toEqual(regions);
    for (const c of conditions) expect(c.message).toMatch(new RegExp(`^${action.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not allowed for arn:aws:iam::000000000000:role/auth-sandbox-eu-west-1-controller`));
  });

  it('reports unknown when IAM cannot be reached, and keeps its last answer', async () => {
    without('us-east-1', 'rds:FailoverGlobalCluster');
    const replica = proof('us-east-1', { deniedFor: 0 });
    const first = await replica.conditions(budget());
    expect(first).toHaveLength(3);
    faults.set('iam', { kind: 'server-error' });
    const during = await replica.conditions(budget());
    expect(during[0]).toMatchObject({ type: 'PermissionsProven', status: 'unknown', reason: 'IamUnreachable', message: expect.stringMatching(/the last proof \(.*\) stands$/) });
    expect(during.slice(1)).toEqual(first);
    faults.clear();
    serveWith(Object.fromEntries(Object.entries(rendered.regions).map(([region, r]) => [region, r.policy])));
    expect(await replica.conditions(budget())).toEqual([expect.objectContaining({ type: 'PermissionsProven', status: 'true' })]);
  });

  it('reports unknown, not a denial, when IAM has never answered', async () => {
    faults.set('iam', { kind: 'server-error' });
    expect(await proof('us-west-2').conditions(budget())).toEqual([expect.objectContaining({ status: 'unknown', message: expect.stringContaining('nothing has been proven yet') })]);
  });

  it('asks IAM again only when the last proof is due', async () => {
    const replica = proof('us-west-2', { provenFor: 60_000 });
    await replica.conditions(budget());
    faults.set('iam', { kind: 'server-error' });
    expect(await replica.conditions(budget())).toEqual([expect.objectContaining({ status: 'true' })]);
  });
});

describe('the actions a plan needs', () => {
  it('cover every write action the controller code sends that its plans use', () => {
    const planned = new Set(planPermissions(base, 'us-east-1').map((n) => n.action));
    // Signals, the proof itself and the audit checkpoints (written beside the loop, never in a plan's path) are not plan steps.
    const notInPlans = new Set(['route53:GetHealthCheckStatus', 'iam:SimulatePrincipalPolicy', 'kms:Sign', 's3:PutObject']);
    expect(actionsTheRoleNeeds().filter((action) => !notInPlans.has(action) && !planned.has(action))).toEqual([]);
  });

  it('turns an assumed-role session into the role IAM simulates', () => {
    expect(principalOf('arn:aws:sts::123456789012:assumed-role/auth-us-east-1-controller/7f3e')).toBe('arn:aws:iam::123456789012:role/auth-us-east-1-controller');
    expect(principalOf('arn:aws:iam::123456789012:user/ops')).toBe('arn:aws:iam::123456789012:user/ops');
  });
});
