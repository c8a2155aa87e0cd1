import { FcpError } from '../../kernel/errors.js';
import type { JsonError, JsonObject } from './json-protocol.js';

/**
 * An error of ARC's cluster API, shaped as the Route53RecoveryCluster client models it: `type` is
 * the exception name, `fields` its other members (ValidationException: `reason`, `fields`;
 * ConflictException / ResourceNotFoundException: `resourceId`, `resourceType`).
 */
export class ArcApiError extends FcpError {
  constructor(
    readonly type: string,
    readonly status: number,
    message: string,
    readonly fields: JsonObject = {},
  ) {
    super(message, { context: { type, status }, transient: status === 429 || status >= 500 });
  }

  toJson(): JsonError {
    return { type: this.type, status: this.status, message: this.message, fields: this.fields };
  }
}

/** The cluster API's refusal of a caller that IAM does not allow (HTTP 403). */
export function accessDenied(message: string): ArcApiError {
  return new ArcApiError('AccessDeniedException', 403, message);
}

export type ValidationReason = 'unknownOperation' | 'cannotParse' | 'fieldValidationFailed' | 'other';

export function validationError(reason: ValidationReason, message: string, field?: string): ArcApiError {
  return new ArcApiError('ValidationException', 400, message, { reason, ...(field === undefined ? {} : { fields: [{ name: field, message }] }) });
}

export function resourceNotFound(resourceId: string, resourceType: string): ArcApiError {
  return new ArcApiError('ResourceNotFoundException', 404, `${resourceType} ${resourceId} not found`, { resourceId, resourceType });
}

export function conflict(message: string, resourceId: string, resourceType: string): ArcApiError {
  return new ArcApiError('ConflictException', 409, message, { resourceId, resourceType });
}
