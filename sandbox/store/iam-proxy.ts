import { request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { IamGate } from '../iam/gate.js';
import { readBody } from '../rds/transport.js';
import { callerFromAuthorization } from '../shared/sigv4.js';

/**
 * The sandbox's DynamoDB front: every request is evaluated against the caller's IAM policy (action
 * from `X-Amz-Target`, the table ARN from `TableName` in the caller's region) and, when allowed,
 * passed to dynalite unchanged. A refusal is DynamoDB's `AccessDeniedException` (400, JSON 1.0).
 */

const TARGET_PREFIX = 'DynamoDB_20120810.';

/**
 * Table set-up the embedded store does with a replica's key before the replicas start (CreateTable,
 * then DescribeTable until ACTIVE). In AWS the stack creates the table and the role does not allow
 * either, so these pass unevaluated.
 */
const EMBEDDED_SET_UP = new Set(['CreateTable', 'DescribeTable']);

export interface DynamoGateOptions {
  iam: IamGate;
  /** The account in table ARNs. */
  account: string;
  /** Where dynalite listens (`http://host:port`). */
  backend(): string;
}

export function dynamoIamProxy(options: DynamoGateOptions): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void (async () => {
      const body = await readBody(req);
      const target = req.headers['x-amz-target'];
      const operation = typeof target === 'string' && target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : undefined;
      const caller = callerFromAuthorization(req.headers.authorization);
      if (operation !== undefined && !EMBEDDED_SET_UP.has(operation)) {
        const table = tableOf(body);
        const resource = table === undefined ? '*' : `arn:aws:dynamodb:${caller.region ?? 'us-east-1'}:${options.account}:table/${table}`;
        const denial = options.iam.authorize(caller, { action: `dynamodb:${operation}`, resources: [resource] });
        if (denial) {
          const text = JSON.stringify({ __type: 'com.amazon.coral.service#AccessDeniedException', Message: denial.message });
          res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0', 'content-length': Buffer.byteLength(text) });
          res.end(text);
          return;
        }
      }
      const forward = request(`${options.backend()}${req.url ?? '/'}`, { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 500, answer.headers);
        answer.pipe(res);
      });
      forward.on('error', () => res.destroy());
      forward.end(body);
    })().catch(() => res.destroy());
  };
}

function tableOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { TableName?: unknown };
    return typeof parsed.TableName === 'string' ? parsed.TableName : undefined;
  } catch {
    return undefined;
  }
}
