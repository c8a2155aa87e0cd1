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
}
