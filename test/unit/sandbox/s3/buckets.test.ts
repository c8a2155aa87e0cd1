import { describe, expect, it } from 'vitest';
import { BucketStore } from '../../../../sandbox/s3/buckets.js';

describe('BucketStore (versioning and Object Lock)', () => {
  let now = 1_800_000_000_000;
  const store = new BucketStore(() => now);
  store.createLockedBucket('audit', 'us-east-1', { mode: 'COMPLIANCE', days: 1 });

  it('keeps every version of a key: an overwrite adds a version, the first stays readable', () => {
    const first = store.put('audit', 'k', Buffer.from('one'), 'application/json');
    store.put('audit', 'k', Buffer.from('two'), undefined);
    expect(store.get('audit', 'k').body?.toString()).toBe('two');
    expect(store.get('audit', 'k', first.versionId).body?.toString()).toBe('one');
  });

  it('refuses to delete a version under retention, for anyone, until the retention ends', () => {
    const version = store.put('audit', 'locked', Buffer.from('x'), undefined);
    expect(() => store.delete('audit', 'locked', version.versionId)).toThrow(expect.objectContaining({ code: 'AccessDenied', status: 403 }));
    now += 86_400_001;
    expect(store.delete('audit', 'locked', version.versionId)).toEqual({ versionId: version.versionId, deleteMarker: false });
  });

  it('a delete without a version adds a delete marker: the key is gone from listings, its versions are not', () => {
    const version = store.put('audit', 'hidden', Buffer.from('x'), undefined);
    expect(store.delete('audit', 'hidden')).toMatchObject({ deleteMarker: true });
    expect(store.currentObjects('audit', '').map((o) => o.key)).not.toContain('hidden');
    expect(() => store.get('audit', 'hidden')).toThrow(expect.objectContaining({ code: 'NoSuchKey', headers: expect.objectContaining({ 'x-amz-delete-marker': 'true' }) }));
    expect(store.get('audit', 'hidden', version.versionId).body?.toString()).toBe('x');
  });

  it('names a missing bucket', () => {
    expect(() => store.currentObjects('nope', '')).toThrow(expect.objectContaining({ code: 'NoSuchBucket' }));
  });
});
