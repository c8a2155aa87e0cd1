import { FcpError } from '../../kernel/errors.js';
import { leaf, tag } from '../route53/xml.js';

/**
 * An S3 error as the service answers it: an XML `<Error>` document with the code, the message and
 * the resource it concerns (`Key`, `BucketName`). `headers` carries what S3 adds beside the body
 * (`x-amz-delete-marker` on a key whose latest version is a delete marker).
 */
export class S3ApiError extends FcpError {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly resource: { Key?: string; BucketName?: string } = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message, { context: { code, status }, transient: code === 'SlowDown' || status >= 500 });
  }

  /** S3's error document (no namespace, unlike its other answers). */
  toXml(requestId: string): string {
    const fields = leaf('Code', this.code) + leaf('Message', this.message) + leaf('Key', this.resource.Key) + leaf('BucketName', this.resource.BucketName) + leaf('RequestId', requestId);
    return `<?xml version="1.0" encoding="UTF-8"?>\n${tag('Error', fields)}`;
  }
}

export const noSuchBucket = (bucket: string): S3ApiError => new S3ApiError('NoSuchBucket', 404, 'The specified bucket does not exist', { BucketName: bucket });

export const noSuchKey = (key: string, headers: Record<string, string> = {}): S3ApiError => new S3ApiError('NoSuchKey', 404, 'The specified key does not exist.', { Key: key }, headers);

export const noSuchVersion = (key: string): S3ApiError => new S3ApiError('NoSuchVersion', 404, 'The specified version does not exist.', { Key: key });

export const accessDenied = (message = 'Access Denied'): S3ApiError => new S3ApiError('AccessDenied', 403, message);

export const invalidArgument = (message: string): S3ApiError => new S3ApiError('InvalidArgument', 400, message);
