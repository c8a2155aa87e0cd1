import { FcpError } from '../../kernel/errors.js';
import type { AwsErrorClass, AwsErrorKind } from './classify.js';
import { describeTarget, type AwsTarget } from './target.js';

/**
 * One failed AWS call, with the AWS error code, the call's target and whether a retry can help.
 * `context.code` is the AWS error code (`Throttling`, `AccessDenied`, `ECONNRESET`, `Timeout`).
 */
export class AwsCallError extends FcpError {
  readonly code: string;
  readonly kind: AwsErrorKind;

  constructor(target: AwsTarget, classified: AwsErrorClass, options: { cause: unknown; message?: string }) {
    super(options.message ?? `${describeTarget(target)} failed: ${classified.code}`, {
      cause: options.cause,
      transient: classified.transient,
      context: {
        service: target.service,
        operation: target.operation,
        region: target.region,
        ...(target.endpoint ? { endpoint: target.endpoint } : {}),
        code: classified.code,
        kind: classified.kind,
        ...(classified.httpStatus === undefined ? {} : { httpStatus: classified.httpStatus }),
        ...(classified.requestId === undefined ? {} : { requestId: classified.requestId }),
      },
    });
    this.code = classified.code;
    this.kind = classified.kind;
  }
}

/**
 * A transient failure that outlasted its retry budget (attempts or deadline). Still transient: the
 * step may be tried again later, but this call has spent its share. `cause` is the last failure.
 */
export class RetryBudgetExhaustedError extends FcpError {
  constructor(what: string, details: { attempts: number; reason: 'attempts' | 'deadline'; lastError: unknown }) {
    const last = details.lastError instanceof FcpError ? details.lastError : undefined;
    const because = details.reason === 'attempts' ? `after ${details.attempts} attempts` : `deadline reached after ${details.attempts} attempts`;
    super(`${what} gave up ${because}${last ? `: ${last.message}` : ''}`, {
      cause: details.lastError,
      transient: true,
      context: { attempts: details.attempts, reason: details.reason, ...(last?.context.code ? { code: last.context.code } : {}) },
    });
  }
}

/** The service answered, but without something the adapter needs (a change id, a known member). Terminal. */
export class UnexpectedAnswerError extends FcpError {}
