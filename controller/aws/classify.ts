import { FcpError } from '../../kernel/errors.js';

/**
 * Transient vs terminal: which AWS errors can succeed on retry. Read from the SDK error's shape
 * (`name` is the AWS error code, `$metadata.httpStatusCode`, `$fault`), or from the Node network
 * error code when no response arrived.
 */

export type AwsErrorKind =
  /** Rate limits: retry after backoff. */
  | 'throttled'
  /** 5xx, a temporarily unavailable endpoint, a concurrent change still being applied. */
  | 'unavailable'
  /** No answer within the attempt's timeout (code `Timeout`), or the service's own `RequestTimeout`. */
  | 'timeout'
  /** No answer at all: connection refused or reset, DNS failure. */
  | 'network'
  /** Credentials that expired: worth one refresh (see AwsCaller), never a blind retry. */
  | 'credentials-expired'
  | 'access-denied'
  | 'invalid'
  | 'not-found'
  /** The resource is in a state that forbids the call (an operation already in progress, a safety rule). */
  | 'conflict'
  | 'unknown';

export interface AwsErrorClass {
  /** The AWS error code (`Throttling`), or the network error code (`ECONNRESET`), or `Timeout`. */
  code: string;
  kind: AwsErrorKind;
  transient: boolean;
  httpStatus?: number;
  requestId?: string;
}

/** The code of every client-side timeout: the call got no answer in time. */
export const CLIENT_TIMEOUT = 'Timeout';

const TRANSIENT_KINDS: ReadonlySet<AwsErrorKind> = new Set(['throttled', 'unavailable', 'timeout', 'network']);

const KIND_BY_CODE: Record<string, AwsErrorKind> = {
  Throttling: 'throttled',
  ThrottlingException: 'throttled',
  ThrottledException: 'throttled',
  TooManyRequestsException: 'throttled',
  RequestLimitExceeded: 'throttled',
  RequestThrottled: 'throttled',
  RequestThrottledException: 'throttled',
  ProvisionedThroughputExceededException: 'throttled',
  SlowDown: 'throttled',
  PriorRequestNotComplete: 'unavailable',
  EndpointTemporarilyUnavailableException: 'unavailable',
  InternalFailure: 'unavailable',
  InternalError: 'unavailable',
  InternalServerError: 'unavailable',
  InternalServerException: 'unavailable',
  ServiceUnavailable: 'unavailable',
  ServiceUnavailableException: 'unavailable',
  RequestTimeout: 'timeout',
  RequestTimeoutException: 'timeout',
  ExpiredToken: 'credentials-expired',
  ExpiredTokenException: 'credentials-expired',
  AccessDenied: 'access-denied',
  AccessDeniedException: 'access-denied',
  UnrecognizedClientException: 'access-denied',
  InvalidClientTokenId: 'access-denied',
  SignatureDoesNotMatch: 'access-denied',
  MissingAuthenticationToken: 'access-denied',
  ValidationException: 'invalid',
  ValidationError: 'invalid',
  InvalidInput: 'invalid',
  InvalidChangeBatch: 'invalid',
  InvalidParameterValue: 'invalid',
  InvalidParameterCombination: 'invalid',
  InvalidParameterValueException: 'invalid',
  ServiceLimitExceededException: 'invalid',
  ResourceNotFoundException: 'not-found',
  NoSuchHostedZone: 'not-found',
  NoSuchChange: 'not-found',
  NoSuchHealthCheck: 'not-found',
  GlobalClusterNotFoundFault: 'not-found',
  DBClusterNotFoundFault: 'not-found',
  ConflictException: 'conflict',
  ConcurrentModification: 'conflict',
  InvalidGlobalClusterStateFault: 'conflict',
  InvalidDBClusterStateFault: 'conflict',
};

/** Node and undici codes for a request that got no answer. */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT']);

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown; requestId?: unknown };
}

/** Classifies anything an SDK call can throw. Unknown, non-AWS errors (bugs) are terminal. */
export function classifyAwsError(error: unknown): AwsErrorClass {
  const shape = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  const httpStatus = typeof shape.$metadata?.httpStatusCode === 'number' ? shape.$metadata.httpStatusCode : undefined;
  const requestId = typeof shape.$metadata?.requestId === 'string' ? shape.$metadata.requestId : undefined;
  const networkCode = typeof shape.code === 'string' ? shape.code : undefined;
  const name = typeof shape.name === 'string' ? shape.name : 'Error';

  const result = (code: string, kind: AwsErrorKind): AwsErrorClass => ({
    code,
    kind,
    transient: TRANSIENT_KINDS.has(kind),
    ...(httpStatus === undefined ? {} : { httpStatus }),
    ...(requestId === undefined ? {} : { requestId }),
  });

  if (networkCode && NETWORK_CODES.has(networkCode)) return result(networkCode, 'network');
  // Client-side timeouts (the SDK's, the socket's, an aborted attempt) share one code for counting.
  if ((networkCode && TIMEOUT_CODES.has(networkCode)) || name === 'TimeoutError' || name === 'AbortError') return result(CLIENT_TIMEOUT, 'timeout');
  const known = KIND_BY_CODE[name];
  if (known) return result(name, known);
  if (httpStatus === 429) return result(name, 'throttled');
  if ((httpStatus !== undefined && httpStatus >= 500) || shape.$fault === 'server') return result(name, 'unavailable');
  if (httpStatus === 404) return result(name, 'not-found');
  if (httpStatus === 403) return result(name, 'access-denied');
  if (httpStatus === 409) return result(name, 'conflict');
  if (httpStatus !== undefined && httpStatus >= 400) return result(name, 'invalid');
  return result(name, 'unknown');
}

/** Whether an AWS error code means the caller's credentials cannot make the call (denied, expired, unknown key). */
export function refusesCredentials(code: string): boolean {
  const kind = KIND_BY_CODE[code];
  return kind === 'access-denied' || kind === 'credentials-expired';
}

/** The AWS error code in an error's cause chain that says the caller's credentials were refused, if any. */
export function refusedCredentials(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = current instanceof FcpError ? current.context.code : undefined;
    if (typeof code === 'string' && refusesCredentials(code)) return code;
  }
  return undefined;
}
