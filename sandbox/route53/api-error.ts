import { FcpError } from '../../kernel/errors.js';

/**
 * A Route 53 API error as the service reports it: an error code the SDK maps to a typed exception
 * (`InvalidChangeBatch`, `NoSuchHostedZone`, ...), an HTTP status and a message. The HTTP layer
 * renders it as Route 53's XML error body.
 */
export class Route53ApiError extends FcpError {
  readonly code: string;
  readonly status: number;
  /** InvalidChangeBatch lists every problem of the batch, one message each. */
  readonly messages: readonly string[];

  constructor(code: string, status: number, message: string, messages: readonly string[] = []) {
    super(message, { context: { code, status }, transient: code === 'Throttling' || status >= 500 });
    this.code = code;
    this.status = status;
    this.messages = messages;
  }
}

export const invalidInput = (message: string): Route53ApiError => new Route53ApiError('InvalidInput', 400, message);

/** Route 53 joins a batch's problems as `[first, second]` in the message and lists them in `Messages`. */
export const invalidChangeBatch = (messages: readonly string[]): Route53ApiError =>
  new Route53ApiError('InvalidChangeBatch', 400, `[${messages.join(', ')}]`, messages);

export const noSuchHostedZone = (id: string): Route53ApiError =>
  new Route53ApiError('NoSuchHostedZone', 404, `No hosted zone found with ID: ${id}`);

export const noSuchChange = (id: string): Route53ApiError =>
  new Route53ApiError('NoSuchChange', 404, `Could not find resource with ID: ${id}`);

export const noSuchHealthCheck = (id: string): Route53ApiError =>
  new Route53ApiError('NoSuchHealthCheck', 404, `A health check with id ${id} does not exist.`);

/** Route 53's refusal of a caller that IAM does not allow (HTTP 403). */
export const accessDenied = (message: string): Route53ApiError => new Route53ApiError('AccessDenied', 403, message);

export const throttling = (): Route53ApiError => new Route53ApiError('Throttling', 400, 'Rate exceeded');

export const invalidDomainName = (name: string, problem: string): Route53ApiError =>
  new Route53ApiError('InvalidDomainName', 400, `${name} is not a valid domain name: ${problem}`);
