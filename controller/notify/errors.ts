import { FcpError, type FcpErrorOptions } from '../../kernel/errors.js';

/** A notification that a destination did not take. Transient when a later attempt may succeed. */
export class NotifyError extends FcpError {
  constructor(destination: string, message: string, options: FcpErrorOptions = {}) {
    super(`notification to ${destination} failed: ${message}`, { ...options, context: { destination, ...options.context } });
  }
}
