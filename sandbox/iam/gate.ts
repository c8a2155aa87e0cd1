import type { AwsCaller } from '../shared/faults.js';
import type { EvalDecision, PolicyEvaluator, RequestContext } from './evaluator.js';

/** One caller the sandbox knows: the access key a replica signs with and the role it acts as. */
export interface SandboxPrincipal {
  accessKeyId: string;
  /** The role, e.g. `arn:aws:iam::000000000000:role/auth-sandbox-us-east-1-controller`. */
  roleArn: string;
  policy: PolicyEvaluator;
}

/** What an emulated API asks before serving a request: the action, every resource it touches, the condition keys. */
export interface IamCheck {
  action: string;
  resources: readonly string[];
  context?: RequestContext;
}

/** Why a request was refused: rendered by each emulator as its protocol's AccessDenied. */
export interface Denial {
  action: string;
  resource: string;
  decision: Exclude<EvalDecision, 'allowed'>;
  /** IAM's wording: `User: <arn> is not authorized to perform: <action> on resource: <arn> because ...`. */
  message: string;
}

/** The session ARN a role's caller has, as AWS shows it in AccessDenied messages and GetCallerIdentity. */
export function sessionArn(roleArn: string): string {
  return roleArn.replace(/^arn:([^:]+):iam::(\d+):role\/(?:.*\/)?([^/]+)$/, 'arn:$1:sts::$2:assumed-role/$3/fcp');
}

/**
 * The sandbox's IAM: every emulated AWS call is evaluated against the policy of the principal that
 * signed it. A key the sandbox does not know has no policy, so it is refused like any unauthorized call.
 */
export class IamGate {
  private readonly byKey: Map<string, SandboxPrincipal>;
  private readonly byRole: Map<string, SandboxPrincipal>;

  constructor(principals: readonly SandboxPrincipal[]) {
    this.byKey = new Map(principals.map((p) => [p.accessKeyId, p]));
    this.byRole = new Map(principals.map((p) => [p.roleArn, p]));
  }

  principalOf(caller: AwsCaller): SandboxPrincipal | undefined {
    return caller.accessKeyId === undefined ? undefined : this.byKey.get(caller.accessKeyId);
  }

  /** Undefined when every resource of the check is allowed; else the first refusal. */
  authorize(caller: AwsCaller, check: IamCheck): Denial | undefined {
    const principal = this.principalOf(caller);
    const who = principal ? sessionArn(principal.roleArn) : (caller.accessKeyId ?? 'anonymous');
    for (const resource of check.resources) {
      const decision = principal ? principal.policy.evaluate({ action: check.action, resource, ...(check.context && { context: check.context }) }) : 'implicitDeny';
      if (decision === 'allowed') continue;
      const because = decision === 'explicitDeny' ? 'with an explicit deny in an identity-based policy' : `because no identity-based policy allows the ${check.action} action`;
      return { action: check.action, resource, decision, message: `User: ${who} is not authorized to perform: ${check.action} on resource: ${resource} ${because}` };
    }
    return undefined;
  }

  /** IAM's policy simulation: the decision for a role the sandbox knows, undefined for any other ARN. */
  simulate(roleArn: string, action: string, resource: string, context?: RequestContext): EvalDecision | undefined {
    return this.byRole.get(roleArn)?.policy.evaluate({ action, resource, ...(context && { context }) });
  }
}
