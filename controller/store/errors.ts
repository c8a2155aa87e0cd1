import { FcpError, type FcpErrorOptions } from '../../kernel/errors.js';

/** A state store call failed for a reason retrying will not fix (missing table, access denied, bad request). */
export class StoreError extends FcpError {}

/** The store did not answer in time, refused the connection, throttled or failed on its side. Transient. */
export class StoreUnavailableError extends StoreError {
  constructor(message: string, options: Omit<FcpErrorOptions, 'transient'> = {}) {
    super(message, { ...options, transient: true });
  }
}

/** The caller no longer holds the lease: it expired or another replica took it. Stop acting. */
export class LeaseLostError extends FcpError {}

/** A fenced write carried a token older than the current lease's or than the item's. */
export class StaleTokenError extends LeaseLostError {}

/** The item changed since the caller read it (optimistic concurrency); re-read and decide again. */
export class VersionConflictError extends FcpError {}

/** The write conflicts with what is stored (another plan or command under the same id). */
export class ConflictError extends FcpError {}
