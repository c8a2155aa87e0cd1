import { describe, expect, it } from 'vitest';
import { classifyAwsError, type AwsErrorKind } from '../../../../controller/aws/classify.js';
import { networkError, sdkError } from './helpers.js';

describe('classifyAwsError', () => {
  const cases: Array<[string, unknown, string, AwsErrorKind, boolean]> = [
    ['Route 53 throttling', sdkError('Throttling', 400), 'Throttling', 'throttled', true],
    ['ARC throttling', sdkError('ThrottlingException', 429), 'ThrottlingException', 'throttled', true],
    ['concurrent Route 53 change', sdkError('PriorRequestNotComplete', 400), 'PriorRequestNotComplete', 'unavailable', true],
    ['ARC endpoint unavailable', sdkError('EndpointTemporarilyUnavailableException', 503), 'EndpointTemporarilyUnavailableException', 'unavailable', true],
    ['unknown 5xx', sdkError('Unknown', 502), 'Unknown', 'unavailable', true],
    ['unknown 429', sdkError('SomethingElse', 429), 'SomethingElse', 'throttled', true],
    ['SDK request timeout', sdkError('TimeoutError'), 'Timeout', 'timeout', true],
    ['aborted attempt', Object.assign(new Error('aborted'), { name: 'AbortError' }), 'Timeout', 'timeout', true],
    ['server-side request timeout', sdkError('RequestTimeout', 400), 'RequestTimeout', 'timeout', true],
    ['connection reset', networkError('ECONNRESET'), 'ECONNRESET', 'network', true],
    ['connection refused', networkError('ECONNREFUSED'), 'ECONNREFUSED', 'network', true],
    ['socket timeout', networkError('ETIMEDOUT'), 'Timeout', 'timeout', true],
    ['access denied', sdkError('AccessDenied', 403), 'AccessDenied', 'access-denied', false],
    ['ARC access denied', sdkError('AccessDeniedException', 403), 'AccessDeniedException', 'access-denied', false],
    ['expired token', sdkError('ExpiredToken', 403), 'ExpiredToken', 'credentials-expired', false],
    ['validation', sdkError('ValidationException', 400), 'ValidationException', 'invalid', false],
    ['bad change batch', sdkError('InvalidChangeBatch', 400), 'InvalidChangeBatch', 'invalid', false],
    ['no such zone', sdkError('NoSuchHostedZone', 404), 'NoSuchHostedZone', 'not-found', false],
    ['global cluster missing', sdkError('GlobalClusterNotFoundFault', 404), 'GlobalClusterNotFoundFault', 'not-found', false],
    ['operation in progress', sdkError('InvalidGlobalClusterStateFault', 400), 'InvalidGlobalClusterStateFault', 'conflict', false],
    ['ARC conflict', sdkError('ConflictException', 409), 'ConflictException', 'conflict', false],
    ['unknown 4xx', sdkError('Weird', 400), 'Weird', 'invalid', false],
    ['a bug, not AWS', new TypeError('x is undefined'), 'TypeError', 'unknown', false],
    ['a thrown string', 'boom', 'Error', 'unknown', false],
  ];

  it.each(cases)('%s', (_label, error, code, kind, transient) => {
    expect(classifyAwsError(error)).toMatchObject({ code, kind, transient });
  });

  it('keeps the HTTP status and request id', () => {
    expect(classifyAwsError(sdkError('Throttling', 400))).toMatchObject({ httpStatus: 400, requestId: 'req-1' });
  });
});
