import type { SandboxSpec } from '../spec.js';
import { policyFileRole, renderedControllerRole } from './controller-role.js';
import { PolicyEvaluator } from './evaluator.js';
import { IamGate } from './gate.js';
import { sandboxSettings } from '../config-schema.js';
import { awsCheckpoints } from '../setup/seed.js';
import { AUDITOR_KEY_INFIX, auditorPolicy, auditorRoleArn } from './auditor-role.js';

/**
 * The sandbox's principals: the replica of region R signs with `<accessKeyIdPrefix>R` and acts as its
 * region's controller role, whose policy is `sandbox.iamPolicy` when set, else the role `infra/`
 * renders. With checkpoints kept in AWS, `<accessKeyIdPrefix>auditor-R` reads them back (`auditor-role.ts`). A policy the evaluator cannot apply is an InputError naming the field; nothing starts.
 */
export async function sandboxIamGate(config: SandboxSpec): Promise<IamGate> {
  const file = sandboxSettings(config).iamPolicy;
  const role = file === undefined ? await renderedControllerRole(config) : policyFileRole(config, file);
  const credentials = config.aws.credentials;
  if (credentials.mode !== 'static') return new IamGate([]);
  const replicas = Object.entries(role.regions).map(([region, { roleArn, policy }]) => ({
    accessKeyId: `${credentials.accessKeyIdPrefix}${region}`,
    roleArn,
    policy: new PolicyEvaluator([policy], role.source),
  }));
  const checkpoints = awsCheckpoints(config);
  if (!checkpoints) return new IamGate(replicas);
  const auditor = new PolicyEvaluator([auditorPolicy(config, checkpoints)], "the sandbox's checkpoint auditor");
  const auditors = config.regions.map(({ name: region }) => ({ accessKeyId: `${credentials.accessKeyIdPrefix}${AUDITOR_KEY_INFIX}${region}`, roleArn: auditorRoleArn(config), policy: auditor }));
  return new IamGate([...replicas, ...auditors]);
}
