// pbac ships no types; this is the part of its API the sandbox uses.
declare module 'pbac' {
  type ConditionOperator = (this: unknown, contextValue: unknown, policyValue: unknown) => unknown;

  interface EvaluateParams {
    action: string;
    resource: string;
    context?: unknown;
  }

  interface FilterParams extends EvaluateParams {
    effect: 'Allow' | 'Deny';
    principal?: unknown;
  }

  class PBAC {
    constructor(policies: unknown, options?: { validateSchema?: boolean; validatePolicies?: boolean });
    conditions: Record<string, ConditionOperator>;
    evaluate(params: EvaluateParams): boolean;
    /** The first statement of `effect` that matches, if any. */
    filterPoliciesBy(params: FilterParams): unknown;
    evaluateCondition(condition: unknown, context: unknown): boolean;
  }

  export default PBAC;
}
