import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AwsApiFault, FaultView } from '../shared/faults.js';
import { callerFromAuthorization } from '../shared/sigv4.js';
import { Route53ApiError, accessDenied, throttling } from './api-error.js';
import { newRequestId } from './ids.js';
import type { IamGate } from '../iam/gate.js';
import { iamCheck, type Operation, type OperationResponse } from './operations/operation.js';
import type { Route53Throttle } from './throttle.js';
import { XmlSyntaxError, escapeXml, parseXml, tag, xmlDocument } from './xml.js';
import type { XmlElement } from './xml.js';

const MAX_BODY_BYTES = 1024 * 1024;

/** What the HTTP layer needs from the rest of the emulator. */
export interface Route53HttpDeps {
  operations: readonly Operation[];
  faults: FaultView;
  /** Undefined: never throttle. */
  throttle: Route53Throttle | undefined;
  /** Called once per request that reached its operation (after faults and throttling). */
  countCall: (operation: string) => void;
  /** Requests answered with a `hang` fault; the owner closes them on shutdown. */
  hung: Set<ServerResponse>;
  /** Evaluates each request against the caller's IAM policy; undefined: every call is allowed. */
  iam?: IamGate;
}

function errorBody(error: Route53ApiError, requestId: string): string {
  const messages = error.messages.length > 0 ? tag('Messages', error.messages.map((m) => tag('Message', escapeXml(m))).join('')) : '';
  const type = error.status >= 500 ? 'Receiver' : 'Sender';
  return xmlDocument(
    'ErrorResponse',
    tag('Error', tag('Type', type) + tag('Code', escapeXml(error.code)) + tag('Message', escapeXml(error.message)) + messages) + tag('RequestId', requestId),
  );
}

function send(res: ServerResponse, requestId: string, response: OperationResponse): void {
  res.writeHead(response.status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId, ...response.headers });
  res.end(response.body);
}

function sendError(res: ServerResponse, requestId: string, error: Route53ApiError): void {
  send(res, requestId, { status: error.status, body: errorBody(error, requestId) });
}

/** The fault's rendering as a Route 53 error, or undefined for faults that are not answers. */
function faultError(fault: AwsApiFault): Route53ApiError | undefined {
  switch (fault.kind) {
    case 'throttle':
      return throttling();
    case 'server-error':
      return new Route53ApiError('ServiceUnavailable', 500, 'Service is unavailable. Please try again later.');
    case 'access-denied':
      return accessDenied('User is not authorized to perform this action on this resource.');
    case 'expired-token':
      return new Route53ApiError('ExpiredToken', 403, 'The security token included in the request is expired');
    case 'hang':
    case 'down':
      return undefined;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) reject(new Route53ApiError('InvalidInput', 400, `the request body is larger than ${MAX_BODY_BYTES} bytes`));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function asApiError(error: unknown): Route53ApiError {
  if (error instanceof Route53ApiError) return error;
  if (error instanceof XmlSyntaxError) return new Route53ApiError('MalformedInput', 400, `The XML document is malformed: ${error.message}`);
  if (error instanceof URIError) return new Route53ApiError('InvalidInput', 400, 'The request path has a malformed percent-escape');
  return new Route53ApiError('InternalFailure', 500, `The emulator failed: ${error instanceof Error ? error.message : String(error)}`);
}

/** The operation bound to a method and path, with the path's raw (still percent-encoded) parameters. */
function route(operations: readonly Operation[], method: string | undefined, path: string): { operation: Operation; captures: string[] } | undefined {
  for (const operation of operations) {
    const match = operation.method === method ? operation.path.exec(path) : null;
    if (match) return { operation, captures: match.slice(1) };
  }
  return undefined;
}

/**
 * The Route 53 REST-XML API as a Node request listener. Per request: the fault registry decides
 * first (a faulted request never reaches an operation), then the token buckets, then the operation.
 * Every answer, errors included, is Route 53's XML; nothing here throws out of the listener.
 */
export function createRoute53Listener(deps: Route53HttpDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const requestId = newRequestId();
    const fault = deps.faults.awsApiFault('route53', callerFromAuthorization(req.headers.authorization));
    if (fault?.kind === 'down') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'hang') {
      deps.hung.add(res);
      res.on('close', () => deps.hung.delete(res));
      return;
    }
    const faulted = fault ? faultError(fault) : undefined;
    if (faulted) {
      req.resume();
      sendError(res, requestId, faulted);
      return;
    }
    const url = new URL(req.url ?? '/', 'http://route53.local');
    const routed = route(deps.operations, req.method, url.pathname);
    if (!routed) {
      req.resume();
      sendError(res, requestId, new Route53ApiError('NotFound', 404, `No Route 53 operation at ${req.method ?? ''} ${url.pathname}`));
      return;
    }
    const { operation, captures } = routed;
    if (deps.throttle && !deps.throttle.admit(operation.name)) {
      req.resume();
      sendError(res, requestId, throttling());
      return;
    }
    const caller = callerFromAuthorization(req.headers.authorization);
    readBody(req)
      .then((text) => {
        const params = captures.map((param) => decodeURIComponent(param));
        const body: XmlElement | undefined = req.method === 'POST' ? parseXml(text) : undefined;
        const request = { params, query: url.searchParams, body };
        const denial = deps.iam?.authorize(caller, iamCheck(operation, request));
        if (denial) throw accessDenied(denial.message);
        deps.countCall(operation.name);
        send(res, requestId, operation.run(request));
      })
      .catch((error: unknown) => sendError(res, requestId, asApiError(error)));
  };
}
