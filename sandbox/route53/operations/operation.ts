import type { RequestContext } from '../../iam/evaluator.js';
import type { XmlElement } from '../xml.js';

/** What an operation gets from the HTTP layer. */
export interface OperationRequest {
  /** Path parameters, URI-decoded, in the order the path pattern captures them. */
  params: string[];
  query: URLSearchParams;
  /** The parsed XML body of a POST; undefined for other methods. */
  body: XmlElement | undefined;
}

export interface OperationResponse {
  status: number;
  /** A complete XML document. */
  body: string;
  headers?: Record<string, string>;
}

/** One Route 53 API operation bound to its REST route (API version 2013-04-01). */
export interface Operation {
  name: string;
  method: 'GET' | 'POST' | 'DELETE';
  /** Matches the path without the query string; capture groups are the path parameters. */
  path: RegExp;
  run(request: OperationRequest): OperationResponse;
  /** The IAM resource type its first path parameter names (`arn:aws:route53:::<type>/<id>`); none: `*`. */
  resource?: 'hostedzone' | 'change' | 'healthcheck';
  /** The IAM condition keys the request carries. */
  iamContext?(request: OperationRequest): RequestContext;
}

/** The IAM action and resource of one request to `operation`. */
export function iamCheck(operation: Operation, request: OperationRequest) {
  const id = request.params[0];
  const context = operation.iamContext?.(request);
  return {
    action: `route53:${operation.name}`,
    resources: [operation.resource && id !== undefined ? `arn:aws:route53:::${operation.resource}/${id}` : '*'],
    ...(context && { context }),
  };
}
