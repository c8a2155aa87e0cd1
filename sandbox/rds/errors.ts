import { FcpError } from '../../kernel/errors.js';

/**
 * An RDS API error, rendered as Query-protocol error XML. `code` is exactly RDS's error code (the
 * SDK maps it to a typed exception, e.g. `GlobalClusterNotFoundFault`), `status` its HTTP status.
 */
export class RdsApiError extends FcpError {
  constructor(
    readonly code: RdsErrorCode,
    message: string,
    readonly status: number = 400,
  ) {
    super(message, { context: { code, status }, transient: code === 'Throttling' || status >= 500 });
  }

  /** `Sender` for the caller's mistakes, `Receiver` for the service's own. */
  get type(): 'Sender' | 'Receiver' {
    return this.status >= 500 ? 'Receiver' : 'Sender';
  }
}

export type RdsErrorCode =
  | 'GlobalClusterNotFoundFault'
  | 'GlobalClusterAlreadyExistsFault'
  | 'DBClusterNotFoundFault'
  | 'DBClusterAlreadyExistsFault'
  | 'DBInstanceAlreadyExists'
  | 'InvalidGlobalClusterStateFault'
  | 'InvalidDBClusterStateFault'
  | 'InvalidParameterValue'
  | 'InvalidParameterCombination'
  | 'MissingParameter'
  | 'MissingAuthenticationToken'
  | 'InvalidAction'
  | 'Throttling'
  | 'InternalFailure'
  | 'AccessDenied'
  | 'ExpiredToken';

/** RDS's refusal of a caller that IAM does not allow (HTTP 403). */
export const accessDenied = (message: string): RdsApiError => new RdsApiError('AccessDenied', message, 403);

export const notFound = {
  globalCluster: (id: string) => new RdsApiError('GlobalClusterNotFoundFault', `Global cluster ${id} not found.`, 404),
  cluster: (id: string) => new RdsApiError('DBClusterNotFoundFault', `DBCluster ${id} not found.`, 404),
};

/** Why the sandbox's in-process data API refused a read or a write. */
export type DataErrorReason = 'read-only' | 'unreachable' | 'unknown-endpoint' | 'transitioning';

/**
 * A refused read or write through the in-process data API (`write`/`read`), the sandbox's stand-in
 * for a database connection. `read-only` is what a client connected to a reader gets
 * (PostgreSQL: "cannot execute INSERT in a read-only transaction").
 */
export class RdsDataError extends FcpError {
  constructor(
    readonly reason: DataErrorReason,
    message: string,
  ) {
    super(message, { context: { reason }, transient: reason !== 'unknown-endpoint' });
  }
}
