import PBAC from 'pbac';
import { InputError } from '../../kernel/errors.js';
import { parsePolicyDocument, type PolicyDocument } from './policy-document.js';

/**
 * Decides IAM requests against identity-based policies. The evaluator is pbac (MIT): statement
 * matching, `*`/`?` wildcards in actions and ARNs, an explicit Deny over any Allow, and the condition
 * operators. Where pbac departs from IAM, this module corrects it (each correction has a test):
 * - IAM ANDs every key of a condition block; pbac reads only the first key of each operator.
 * - A key the request does not carry is absent (so `...IfExists` holds, `ForAllValues:` holds
 *   vacuously); pbac reads the key's own name as its value.
 * - Action names and condition keys are case-insensitive in IAM; pbac compares them exactly.
 */

export type EvalDecision = 'allowed' | 'explicitDeny' | 'implicitDeny';

/** Condition keys as IAM names them (`route53:ChangeResourceRecordSetsActions`), with their values. */
export type RequestContext = Record<string, string | boolean | readonly string[]>;

export interface IamRequest {
  /** `service:Action`. */
  action: string;
  /** One resource ARN (or `*` for actions without resource-level permissions). */
  resource: string;
  context?: RequestContext;
}

type ContextValue = string | string[] | undefined;

/** Lower-cased keys, values as IAM compares them (booleans as `true`/`false`). */
function normalizeContext(context: RequestContext = {}): Map<string, ContextValue> {
  return new Map(Object.entries(context).map(([key, value]) => [key.toLowerCase(), typeof value === 'boolean' ? String(value) : Array.isArray(value) ? [...value] : (value as string)]));
}

const lowerActions = (actions: readonly string[] | undefined) => actions?.map((action) => action.toLowerCase());

/** The statements as pbac reads them: lists everywhere, actions lower-cased. */
function forPbac(document: PolicyDocument): unknown {
  return {
    Version: document.Version,
    Statement: document.Statement.map((s) => ({
      Effect: s.Effect,
      ...(s.Action && { Action: lowerActions(s.Action) }),
      ...(s.NotAction && { NotAction: lowerActions(s.NotAction) }),
      ...(s.Resource && { Resource: s.Resource }),
      ...(s.NotResource && { NotResource: s.NotResource }),
      ...(s.Condition && { Condition: s.Condition }),
    })),
  };
}

export class PolicyEvaluator {
  private readonly engine: PBAC;

  /** Throws InputError naming the field when a document is not a policy this evaluator can apply. */
  constructor(documents: readonly unknown[], source: string) {
    const parsed = documents.map((document, index) => parsePolicyDocument(document, documents.length === 1 ? source : `${source}[${index}]`));
    const engine = new PBAC(parsed.map(forPbac));
    const operators = engine.conditions;
    const unknown = parsed.flatMap((d) => d.Statement.flatMap((s, index) => Object.keys(s.Condition ?? {}).filter((op) => !(op in operators)).map((op) => `Statement[${index}].Condition.${op}: not a condition operator`)));
    if (unknown.length > 0) throw new InputError(`IAM policy ${source} is invalid (${unknown.length} problem${unknown.length === 1 ? '' : 's'})`, unknown);
    // The corrections described above: every key of a block, absent keys absent.
    engine.evaluateCondition = (condition, context) =>
      Object.entries((condition ?? {}) as Record<string, Record<string, string[]>>).every(([operator, block]) =>
        Object.entries(block).every(([key, values]) => {
          const value = (context as Map<string, ContextValue>).get(key.toLowerCase());
          const test = operators[operator] as (this: unknown, a: unknown, b: unknown) => unknown;
          if (operator.startsWith('ForAllValues:')) return value === undefined || Boolean(test.call(engine, value, values));
          if (operator.startsWith('ForAnyValue:')) return value !== undefined && Boolean(test.call(engine, value, values));
          return values.some((expected) => Boolean(test.call(engine, value, expected)));
        }),
      );
    this.engine = engine;
  }

  evaluate(request: IamRequest): EvalDecision {
    const params = { action: request.action.toLowerCase(), resource: request.resource, context: normalizeContext(request.context) };
    if (this.engine.filterPoliciesBy({ ...params, effect: 'Deny' })) return 'explicitDeny';
    return this.engine.filterPoliciesBy({ ...params, effect: 'Allow' }) ? 'allowed' : 'implicitDeny';
  }
}
