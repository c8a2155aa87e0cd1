import type { ErrorContext } from '../../kernel/errors.js';
import { StoreError, StoreUnavailableError } from './errors.js';

/** Error names the DynamoDB API uses for throttling and its own failures: retrying may help. */
const TRANSIENT_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TransactionConflictException',
  'ReplicatedWriteConflictException',
]);

interface SdkErrorShape {
  name?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
}

export function isConditionalCheckFailed(error: unknown): boolean {
  return (error as SdkErrorShape | undefined)?.name === 'ConditionalCheckFailedException';
}

/**
 * Wraps an SDK or network error in a StoreError whose `transient` says whether retrying can help.
 * An error without an HTTP answer (refused connection, reset, timeout, abort) means the store is
 * unreachable: transient.
 */
export function toStoreError(error: unknown, operation: string, context: ErrorContext): StoreError {
  const shape = (error ?? {}) as SdkErrorShape;
  const name = shape.name ?? 'Error';
  const status = shape.$metadata?.httpStatusCode;
  const fullContext = { ...context, operation, errorName: name, ...(status === undefined ? {} : { httpStatus: status }) };

  if (name === 'ResourceNotFoundException') {
    const table = String(context.table ?? '');
    return new StoreError(
      `state table "${table}" does not exist: for the embedded store run ensureTable(); in AWS the table comes from the infra stack (StateTable)`,
      { cause: error, context: fullContext },
    );
  }
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new StoreUnavailableError(`state store ${operation}: no answer in time`, { cause: error, context: fullContext });
  }
  if (status === undefined || status === 0) {
    return new StoreUnavailableError(`state store ${operation}: unreachable (${describeNetworkError(error)})`, { cause: error, context: fullContext });
  }
  if (TRANSIENT_NAMES.has(name) || shape.$fault === 'server' || status >= 500) {
    return new StoreUnavailableError(`state store ${operation}: ${name} (HTTP ${status})`, { cause: error, context: fullContext });
  }
  return new StoreError(`state store ${operation} failed: ${name}: ${shape.message ?? ''}`.trim(), {
    cause: error,
    context: fullContext,
  });
}

function describeNetworkError(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.message : String(error);
}
