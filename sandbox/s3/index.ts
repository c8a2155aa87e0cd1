import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { IamCheck, IamGate } from '../iam/gate.js';
import { BodyTooLargeError, HeldRequests, meetFault, readBodyBytes } from '../rds/transport.js';
import { leaf, tag, xmlDocument } from '../route53/xml.js';
import type { AwsApiFault, FaultView } from '../shared/faults.js';
import { callerFromAuthorization } from '../shared/sigv4.js';
import { BucketStore, type DefaultRetention, type ObjectVersion } from './buckets.js';
import { S3ApiError, accessDenied, invalidArgument } from './errors.js';

/**
 * The sandbox's S3, path-style (`/<bucket>/<key>`, one server for every region): PutObject,
 * GetObject, DeleteObject and ListObjectsV2 on buckets with versioning and Object Lock
 * (`buckets.ts`), answers in S3's REST-XML. Every call is evaluated by IAM with S3's action names
 * (ListObjectsV2 is `s3:ListBucket` with the `s3:prefix` condition key; naming a version is
 * `s3:GetObjectVersion` / `s3:DeleteObjectVersion`).
 */

export interface S3EmulatorOptions {
  faults: FaultView;
  /** IAM: each request is evaluated against its caller's policy. Default: every call allowed. */
  iam?: IamGate;
  clock?: () => number;
}

export interface S3Emulator {
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Creates a bucket with Object Lock enabled and, optionally, a default retention for new versions. */
  seedLockedBucket(name: string, region: string, defaultRetention?: DefaultRetention): void;
  /** Requests served per operation. */
  callCounts(): Record<string, number>;
  stop(): void;
}

const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';
const MAX_KEYS = 1000;
/** Sub-resources and headers of operations the sandbox does not serve: refused instead of misread as a plain call. */
const UNSERVED_QUERY = ['acl', 'tagging', 'retention', 'legal-hold', 'uploads', 'uploadId', 'versions', 'attributes', 'torrent', 'restore', 'select'];

interface S3Request {
  bucket: string;
  key: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

interface S3Answer {
  status: number;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

interface S3Operation {
  name: string;
  iam(request: S3Request): IamCheck;
  run(request: S3Request): S3Answer;
}

const objectArn = (r: S3Request) => `arn:aws:s3:::${r.bucket}/${r.key}`;
const httpDate = (ms: number) => new Date(ms).toUTCString();
const isoDate = (ms: number) => new Date(ms).toISOString();

function faultError(fault: AwsApiFault): S3ApiError | undefined {
  switch (fault.kind) {
    case 'throttle':
      return new S3ApiError('SlowDown', 503, 'Please reduce your request rate.');
    case 'server-error':
      return new S3ApiError('InternalError', 500, 'We encountered an internal error. Please try again.');
    case 'access-denied':
      return accessDenied();
    case 'expired-token':
      return new S3ApiError('ExpiredToken', 400, 'The provided token has expired.');
    default:
      return undefined;
  }
}

function versionHeaders(version: ObjectVersion): Record<string, string> {
  return {
    'x-amz-version-id': version.versionId,
    ...(version.retainUntil !== undefined && { 'x-amz-object-lock-mode': 'COMPLIANCE', 'x-amz-object-lock-retain-until-date': isoDate(version.retainUntil) }),
  };
}

/** ListObjectsV2 pages: the continuation token is the last key of the previous page, opaque to clients. */
function listPage(store: BucketStore, r: S3Request): S3Answer {
  const prefix = r.query.get('prefix') ?? '';
  const maxKeysText = r.query.get('max-keys') ?? String(MAX_KEYS);
  if (!/^\d+$/.test(maxKeysText)) throw invalidArgument('Provided max-keys not an integer or within integer range');
  const maxKeys = Math.min(Number(maxKeysText), MAX_KEYS);
  const token = r.query.get('continuation-token');
  let after = r.query.get('start-after') ?? '';
  if (token !== null) {
    const decoded = Buffer.from(token, 'base64url').toString('utf8');
    if (token === '' || !decoded.startsWith('key:')) throw invalidArgument('The continuation token provided is incorrect');
    after = decoded.slice(4);
  }
  const remaining = store.currentObjects(r.bucket, prefix).filter((o) => Buffer.compare(Buffer.from(o.key), Buffer.from(after)) > 0);
  const page = remaining.slice(0, maxKeys);
  const truncated = remaining.length > page.length;
  const last = page.at(-1);
  const contents = page
    .map((o) => tag('Contents', leaf('Key', o.key) + leaf('LastModified', isoDate(o.lastModified)) + leaf('ETag', o.etag) + leaf('Size', o.body?.length ?? 0) + leaf('StorageClass', 'STANDARD')))
    .join('');
  const inner =
    leaf('Name', r.bucket) +
    leaf('Prefix', prefix) +
    leaf('KeyCount', page.length) +
    leaf('MaxKeys', maxKeys) +
    leaf('IsTruncated', truncated) +
    contents +
    leaf('ContinuationToken', token ?? undefined) +
    leaf('NextContinuationToken', truncated && last ? Buffer.from(`key:${last.key}`).toString('base64url') : undefined) +
    leaf('StartAfter', r.query.get('start-after') ?? undefined);
  return { status: 200, headers: { 'content-type': 'application/xml' }, body: xmlDocument('ListBucketResult', inner, S3_NAMESPACE) };
}

function operations(store: BucketStore): { bucket: Record<string, S3Operation>; object: Record<string, S3Operation> } {
  return {
    bucket: {
      GET: {
        name: 'ListObjectsV2',
        iam: (r) => ({ action: 's3:ListBucket', resources: [`arn:aws:s3:::${r.bucket}`], context: { 's3:prefix': r.query.get('prefix') ?? '' } }),
        run: (r) => {
          if (r.query.get('list-type') !== '2') throw new S3ApiError('NotImplemented', 501, 'The sandbox lists objects with ListObjectsV2 only (list-type=2)');
          return listPage(store, r);
        },
      },
    },
    object: {
      PUT: {
        name: 'PutObject',
        iam: (r) => ({ action: 's3:PutObject', resources: [objectArn(r)] }),
        run: (r) => {
          const integrity = r.headers['content-md5'] !== undefined || Object.keys(r.headers).some((h) => h.startsWith('x-amz-checksum-'));
          if (store.hasDefaultRetention(r.bucket) && !integrity) {
            throw new S3ApiError('InvalidRequest', 400, 'Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters');
          }
          const version = store.put(r.bucket, r.key, r.body, r.headers['content-type']);
          return { status: 200, headers: { etag: version.etag ?? '', ...versionHeaders(version) } };
        },
      },
      GET: {
        name: 'GetObject',
        iam: (r) => ({ action: r.query.has('versionId') ? 's3:GetObjectVersion' : 's3:GetObject', resources: [objectArn(r)] }),
        run: (r) => {
          const version = store.get(r.bucket, r.key, r.query.get('versionId') ?? undefined);
          const body = version.body ?? Buffer.alloc(0);
          return {
            status: 200,
            headers: {
              'content-type': version.contentType ?? 'binary/octet-stream',
              'content-length': String(body.length),
              etag: version.etag ?? '',
              'last-modified': httpDate(version.lastModified),
              ...versionHeaders(version),
            },
            body,
          };
        },
      },
      DELETE: {
        name: 'DeleteObject',
        iam: (r) => ({ action: r.query.has('versionId') ? 's3:DeleteObjectVersion' : 's3:DeleteObject', resources: [objectArn(r)] }),
        run: (r) => {
          const deleted = store.delete(r.bucket, r.key, r.query.get('versionId') ?? undefined);
          return { status: 204, headers: { 'x-amz-version-id': deleted.versionId, ...(deleted.deleteMarker && { 'x-amz-delete-marker': 'true' }) } };
        },
      },
    },
  };
}

/** `/<bucket>[/<key>]`, percent-decoded; undefined for a path that names no bucket. */
function pathStyle(pathname: string): { bucket: string; key: string } | undefined {
  const match = /^\/([^/]+)(?:\/(.*))?$/.exec(pathname);
  if (!match?.[1]) return undefined;
  return { bucket: decodeURIComponent(match[1]), key: decodeURIComponent(match[2] ?? '') };
}

export function createS3Emulator(options: S3EmulatorOptions): S3Emulator {
  const store = new BucketStore(options.clock);
  const routes = operations(store);
  const held = new HeldRequests();
  const counts = new Map<string, number>();

  function send(res: ServerResponse, requestId: string, answer: S3Answer): void {
    res.writeHead(answer.status, { 'x-amz-request-id': requestId, 'x-amz-id-2': requestId, ...answer.headers });
    res.end(answer.body);
  }

  function route(req: IncomingMessage, url: URL): { operation: S3Operation; bucket: string; key: string } {
    const path = pathStyle(url.pathname);
    const unserved = UNSERVED_QUERY.find((name) => url.searchParams.has(name)) ?? (req.headers['x-amz-copy-source'] === undefined ? undefined : 'x-amz-copy-source');
    const operation = path && !unserved ? (path.key === '' ? routes.bucket : routes.object)[req.method ?? ''] : undefined;
    if (!path || !operation) {
      throw new S3ApiError('NotImplemented', 501, `The sandbox's S3 serves path-style PutObject, GetObject, DeleteObject and ListObjectsV2, not ${req.method ?? ''} ${url.pathname}${unserved ? ` with ${unserved}` : ''}`);
    }
    return { operation, ...path };
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase();
    const caller = callerFromAuthorization(req.headers.authorization);
    const faulted = meetFault(options.faults.awsApiFault('s3', caller), req, res, held, faultError);
    if (faulted === 'handled') return;
    try {
      if (faulted) throw faulted;
      const url = new URL(req.url ?? '/', 'http://s3.local');
      const { operation, bucket, key } = route(req, url);
      const body = await readBodyBytes(req);
      const request: S3Request = { bucket, key, query: url.searchParams, headers: req.headers, body };
      const denial = options.iam?.authorize(caller, operation.iam(request));
      if (denial) throw accessDenied(denial.message);
      counts.set(operation.name, (counts.get(operation.name) ?? 0) + 1);
      send(res, requestId, operation.run(request));
    } catch (error) {
      const answer =
        error instanceof S3ApiError
          ? error
          : error instanceof BodyTooLargeError
            ? new S3ApiError('EntityTooLarge', 400, 'Your proposed upload exceeds the maximum allowed size')
            : error instanceof URIError
              ? invalidArgument('The request path has a malformed percent-escape')
              : new S3ApiError('InternalError', 500, 'We encountered an internal error. Please try again.');
      send(res, requestId, { status: answer.status, headers: { 'content-type': 'application/xml', ...answer.headers }, body: answer.toXml(requestId) });
    }
  }

  return {
    handle: (req, res) => void serve(req, res),
    seedLockedBucket: (name, region, defaultRetention) => store.createLockedBucket(name, region, defaultRetention),
    callCounts: () => Object.fromEntries(counts),
    stop: () => held.releaseAll(),
  };
}
