import { FcpError } from '../../kernel/errors.js';
import type { JsonError } from '../arc/json-protocol.js';

/** KMS speaks AWS JSON 1.1. */
export const KMS_CONTENT_TYPE = 'application/x-amz-json-1.1';

/**
 * An error of the KMS API as the service answers it: `__type` is the exception name
 * (`NotFoundException`, `InvalidKeyUsageException`, ...). KMS answers client errors, AccessDenied
 * and throttling included, with HTTP 400; only its internal failure is a 5xx.
 */
export class KmsApiError extends FcpError {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message, { context: { type, status }, transient: type === 'ThrottlingException' || status >= 500 });
  }

  toJson(): JsonError {
    return { type: this.type, status: this.status, message: this.message, headers: { 'content-type': KMS_CONTENT_TYPE } };
  }
}

export const validationError = (message: string): KmsApiError => new KmsApiError('ValidationException', message);

export const notFound = (keyArn: string): KmsApiError => new KmsApiError('NotFoundException', `Key '${keyArn}' does not exist`);

export const invalidKeyUsage = (message: string): KmsApiError => new KmsApiError('InvalidKeyUsageException', message);

export const accessDenied = (message: string): KmsApiError => new KmsApiError('AccessDeniedException', message);
