import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { FcpError } from '../../kernel/errors.js';
import { QueryParams, renderError, renderResult, xmlList } from '../rds/query-protocol.js';
import { BodyTooLargeError, HeldRequests, meetFault, readBody } from '../rds/transport.js';
import type { AwsApiFault, FaultView } from '../shared/faults.js';
import { callerFromAuthorization } from '../shared/sigv4.js';
import type { RequestContext } from './evaluator.js';
import { sessionArn, type IamGate } from './gate.js';

/**
 * The sandbox's IAM and STS (AWS Query protocol, one listener for both, as the sandbox serves every
 * region from one server): `iam:SimulatePrincipalPolicy`, evaluated with the same evaluator and
 * policies that guard every other emulated call, and `sts:GetCallerIdentity`, which tells a replica
 * which role it acts as. IAM's control plane lives in us-east-1, so faults on `iam` (and us-east-1
 * going down) take both away.
 */

const IAM = { version: '2010-05-08', namespace: 'https://iam.amazonaws.com/doc/2010-05-08/' };
const STS = { version: '2011-06-15', namespace: 'https://sts.amazonaws.com/doc/2011-06-15/' };

/** An IAM or STS error: its code and HTTP status travel in the context, as RDS's errors do. */
class QueryError extends FcpError {
  constructor(code: string, message: string, status = 400) {
    super(message, { context: { code, status } });
  }
}

function faultError(fault: AwsApiFault): QueryError | undefined {
  switch (fault.kind) {
    case 'throttle':
      return new QueryError('Throttling', 'Rate exceeded');
    case 'server-error':
      return new QueryError('ServiceFailure', 'The request processing has failed because of an unknown error, exception or failure.', 500);
    case 'access-denied':
      return new QueryError('AccessDenied', 'User is not authorized to perform this operation', 403);
    case 'expired-token':
      return new QueryError('ExpiredToken', 'The security token included in the request is expired', 403);
    default:
      return undefined;
  }
}

/** IAM's context entries: `ContextEntries.member.N.{ContextKeyName, ContextKeyType, ContextKeyValues.member.M}`. */
function contextEntries(params: QueryParams): RequestContext {
  const context: RequestContext = {};
  const count = params.count('ContextEntries', 'ContextKeyName');
  for (let n = 1; n <= count; n++) {
    const at = `ContextEntries.member.${n}`;
    const name = params.required(`${at}.ContextKeyName`);
    const values = params.list(`${at}.ContextKeyValues`);
    const type = params.string(`${at}.ContextKeyType`) ?? 'string';
    context[name] = type.endsWith('List') ? values : (values[0] ?? '');
  }
  return context;
}

export interface IamEmulatorOptions {
  faults: FaultView;
  gate: IamGate;
}

export interface IamEmulator {
  handle(req: IncomingMessage, res: ServerResponse): void;
  callCounts(): Record<string, number>;
  stop(): void;
}

export function createIamEmulator(options: IamEmulatorOptions): IamEmulator {
  const { faults, gate } = options;
  const counts = new Map<string, number>();
  const held = new HeldRequests();

  const send = (res: ServerResponse, status: number, xml: string) => {
    res.writeHead(status, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(xml), 'x-amzn-requestid': randomUUID() });
    res.end(xml);
  };

  function simulatePrincipalPolicy(params: QueryParams, caller: ReturnType<typeof callerFromAuthorization>) {
    const source = params.required('PolicySourceArn');
    const denial = gate.authorize(caller, { action: 'iam:SimulatePrincipalPolicy', resources: [source] });
    if (denial) throw new QueryError('AccessDenied', denial.message, 403);
    const actions = params.list('ActionNames');
    if (actions.length === 0) throw new QueryError('MissingParameter', 'The request must contain the parameter ActionNames');
    const resources = params.list('ResourceArns');
    const context = contextEntries(params);
    const results = actions.map((action) => {
      const perResource = (resources.length > 0 ? resources : ['*']).map((resource) => ({ resource, decision: gate.simulate(source, action, resource, context) }));
      if (perResource.some((r) => r.decision === undefined)) throw new QueryError('NoSuchEntity', `The role with ARN ${source} cannot be found.`, 404);
      const worst = perResource.find((r) => r.decision === 'explicitDeny') ?? perResource.find((r) => r.decision === 'implicitDeny') ?? perResource[0];
      return {
        EvalActionName: action,
        EvalResourceName: perResource.length === 1 ? worst?.resource : '*',
        EvalDecision: worst?.decision,
        ...(perResource.length > 1 && {
          ResourceSpecificResults: xmlList('member', perResource.map((r) => ({ EvalResourceName: r.resource, EvalResourceDecision: r.decision }))),
        }),
      };
    });
    return { EvaluationResults: xmlList('member', results), IsTruncated: false };
  }

  function getCallerIdentity(caller: ReturnType<typeof callerFromAuthorization>) {
    const principal = gate.principalOf(caller);
    if (!principal) throw new QueryError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
    const account = principal.roleArn.split(':')[4] ?? '';
    return { Arn: sessionArn(principal.roleArn), UserId: `${principal.accessKeyId}:fcp`, Account: account };
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const caller = callerFromAuthorization(req.headers.authorization);
    const faulted = meetFault(faults.awsApiFault('iam', caller), req, res, held, faultError);
    if (faulted === 'handled') return;
    if (faulted) {
      reply(res, faulted, IAM.namespace);
      return;
    }
    let namespace = IAM.namespace;
    try {
      const params = new QueryParams(req.method === 'POST' ? await readBody(req) : (req.url ?? '').split('?')[1] ?? '');
      const action = params.string('Action') ?? '';
      const service = action === 'GetCallerIdentity' ? STS : IAM;
      namespace = service.namespace;
      if (action !== 'GetCallerIdentity' && action !== 'SimulatePrincipalPolicy') throw new QueryError('InvalidAction', `The sandbox's IAM serves SimulatePrincipalPolicy and GetCallerIdentity, not ${action || '(none)'}.`);
      const version = params.required('Version');
      if (version !== service.version) throw new QueryError('InvalidParameterValue', `Version ${version} is not supported; use ${service.version}`);
      if (caller.accessKeyId === undefined) throw new QueryError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
      const result = action === 'GetCallerIdentity' ? getCallerIdentity(caller) : simulatePrincipalPolicy(params, caller);
      counts.set(action, (counts.get(action) ?? 0) + 1);
      send(res, 200, renderResult(action, result, namespace));
    } catch (error) {
      reply(res, error, namespace);
    }
  }

  /** Renders any failure as the Query protocol's error document. */
  function reply(res: ServerResponse, error: unknown, namespace: string): void {
    const coded = error instanceof FcpError && typeof error.context.code === 'string' && typeof error.context.status === 'number';
    const answer = coded
      ? { code: String(error.context.code), message: error.message, status: error.context.status as number }
      : error instanceof BodyTooLargeError
        ? { code: 'InvalidParameterValue', message: error.message, status: 400 }
        : { code: 'ServiceFailure', message: 'The request processing has failed because of an unknown error, exception or failure.', status: 500 };
    send(res, answer.status, renderError({ ...answer, type: answer.status >= 500 ? 'Receiver' : 'Sender' }, namespace));
  }

  return {
    handle: (req, res) => void serve(req, res),
    callCounts: () => Object.fromEntries(counts),
    stop: () => held.releaseAll(),
  };
}
