import { createHash, randomBytes } from 'node:crypto';
import { S3ApiError, accessDenied, noSuchBucket, noSuchKey, noSuchVersion } from './errors.js';

/**
 * Buckets with versioning and Object Lock, as S3 keeps them: a bucket created with Object Lock is
 * versioned; a PutObject adds a version (an existing key keeps its older versions), which the
 * bucket's default retention locks; a DeleteObject without a version id adds a delete marker (the
 * versions stay); deleting a version under COMPLIANCE retention is refused, for every caller, until
 * the retention ends.
 */

export interface ObjectVersion {
  versionId: string;
  key: string;
  lastModified: number;
  /** Absent on a delete marker. */
  body?: Buffer;
  contentType?: string;
  etag?: string;
  /** When the version's COMPLIANCE retention ends (absent: not locked). */
  retainUntil?: number;
}

export interface DefaultRetention {
  mode: 'COMPLIANCE';
  days: number;
}

interface Bucket {
  name: string;
  region: string;
  defaultRetention?: DefaultRetention;
  /** Versions per key, oldest first; the last one is the current version. */
  objects: Map<string, ObjectVersion[]>;
}

const DAY_MS = 86_400_000;
const newVersionId = () => randomBytes(24).toString('base64url');

export class BucketStore {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly clock: () => number = Date.now) {}

  /** Creates a bucket with Object Lock enabled (so versioned), with an optional default retention. */
  createLockedBucket(name: string, region: string, defaultRetention?: DefaultRetention): void {
    this.buckets.set(name, { name, region, ...(defaultRetention && { defaultRetention }), objects: new Map() });
  }

  hasDefaultRetention(bucket: string): boolean {
    return this.bucket(bucket).defaultRetention !== undefined;
  }

  put(bucket: string, key: string, body: Buffer, contentType: string | undefined): ObjectVersion {
    const found = this.bucket(bucket);
    const now = this.clock();
    const retention = found.defaultRetention;
    const version: ObjectVersion = {
      versionId: newVersionId(),
      key,
      lastModified: now,
      body,
      ...(contentType && { contentType }),
      etag: `"${createHash('md5').update(body).digest('hex')}"`,
      ...(retention && { retainUntil: now + retention.days * DAY_MS }),
    };
    found.objects.set(key, [...(found.objects.get(key) ?? []), version]);
    return version;
  }

  /** The current version of a key, or the version named; a current delete marker reads as no such key. */
  get(bucket: string, key: string, versionId?: string): ObjectVersion {
    const versions = this.bucket(bucket).objects.get(key) ?? [];
    if (versionId !== undefined) {
      const version = versions.find((v) => v.versionId === versionId);
      if (!version) throw noSuchVersion(key);
      // A delete marker has no content: S3 refuses to GET it by its version id.
      if (!version.body) throw new S3ApiError('MethodNotAllowed', 405, 'The specified method is not allowed against this resource.', {}, { 'x-amz-delete-marker': 'true' });
      return version;
    }
    const current = versions.at(-1);
    if (!current?.body) throw noSuchKey(key, current ? { 'x-amz-delete-marker': 'true', 'x-amz-version-id': current.versionId } : {});
    return current;
  }

  /**
   * Without a version id: adds a delete marker (every version stays). With one: removes that version,
   * unless its retention has not ended.
   */
  delete(bucket: string, key: string, versionId?: string): { versionId: string; deleteMarker: boolean } {
    const found = this.bucket(bucket);
    const versions = found.objects.get(key) ?? [];
    if (versionId === undefined) {
      const marker: ObjectVersion = { versionId: newVersionId(), key, lastModified: this.clock() };
      found.objects.set(key, [...versions, marker]);
      return { versionId: marker.versionId, deleteMarker: true };
    }
    const version = versions.find((v) => v.versionId === versionId);
    if (!version) return { versionId, deleteMarker: false };
    if (version.retainUntil !== undefined && version.retainUntil > this.clock()) throw accessDenied('Access Denied because object protected by object lock.');
    const rest = versions.filter((v) => v !== version);
    if (rest.length > 0) found.objects.set(key, rest);
    else found.objects.delete(key);
    return { versionId, deleteMarker: version.body === undefined };
  }

  /** Keys whose current version is an object (not a delete marker), in UTF-8 binary order. */
  currentObjects(bucket: string, prefix: string): ObjectVersion[] {
    const current: ObjectVersion[] = [];
    for (const [key, versions] of this.bucket(bucket).objects) {
      const latest = versions.at(-1);
      if (key.startsWith(prefix) && latest?.body) current.push(latest);
    }
    return current.sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
  }

  private bucket(name: string): Bucket {
    const bucket = this.buckets.get(name);
    if (!bucket) throw noSuchBucket(name);
    return bucket;
  }
}
