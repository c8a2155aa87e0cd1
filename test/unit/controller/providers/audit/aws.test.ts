import { generateKeyPairSync, sign } from 'node:crypto';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { KmsCheckpointKey, S3CheckpointLog } from '../../../../../controller/providers/audit/aws.js';
import { signedPayload, type SignedCheckpoint } from '../../../../../controller/providers/audit/checkpoint.js';
import { offlineCaller } from '../helpers.js';

/**
 * The production checkpoint adapters (KMS Sign, S3 Object Lock bucket) against mocked SDK clients,
 * for answers the sandbox does not give (pages that do not advance, objects overwritten by hand);
 * test/e2e/adapters/audit-checkpoints.test.ts drives them end to end against the sandbox's KMS and S3.
 */

const kms = mockClient(KMSClient);
const s3 = mockClient(S3Client);
afterEach(() => {
  kms.reset();
  s3.reset();
});

const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const KEY = 'mrk-1234';

describe('KmsCheckpointKey', () => {
  it('signs through KMS (ECDSA over P-256, the key never leaves it) and verifies with the public half', async () => {
    kms.on(SignCommand).callsFake((input: { Message: Uint8Array; KeyId: string; SigningAlgorithm: string }) => {
      expect(input).toMatchObject({ KeyId: KEY, SigningAlgorithm: 'ECDSA_SHA_256', MessageType: 'RAW' });
      return { Signature: sign('sha256', Buffer.from(input.Message), pair.privateKey) };
    });
    kms.on(GetPublicKeyCommand).resolves({ PublicKey: pair.publicKey.export({ type: 'spki', format: 'der' }) });
    const key = new KmsCheckpointKey(offlineCaller().caller, 'us-west-2', KEY);
    const payload = Buffer.from('{"head":{"seq":3}}');
    const signature = await key.sign(payload);
    expect(await key.verify(payload, signature, KEY)).toBe(true);
    expect(await key.verify(Buffer.from('{"head":{"seq":4}}'), signature, KEY)).toBe(false);
    expect(await key.verify(payload, signature, 'another-key')).toBe(false);
    expect(kms.commandCalls(GetPublicKeyCommand)).toHaveLength(1);
  });
});

describe('S3CheckpointLog', () => {
  const checkpoint: SignedCheckpoint = { writer: 'replica/us-west-2/abcd', at: 1_800_000_000_000, head: { seq: 2, hash: 'h2' }, records: [[2, 'h2']], keyId: KEY, signature: 'sig' };
  // The part of the SDK's stream body the log reads.
  const body = (value: unknown) => ({ transformToString: async () => JSON.stringify(value) }) as never;

  it('writes one object per checkpoint under the prefix, named in time order, and reads them all back across pages', async () => {
    s3.on(PutObjectCommand).resolves({});
    const log = new S3CheckpointLog(offlineCaller().caller, { bucket: 'auth-audit-1', bucketRegion: 'us-east-1', prefix: 'audit-checkpoints/' });
    await log.append(checkpoint);
    expect(s3.commandCalls(PutObjectCommand)[0]!.args[0].input).toMatchObject({ Bucket: 'auth-audit-1', Key: 'audit-checkpoints/001800000000000-replica_us-west-2_abcd.json' });

    const first = 'audit-checkpoints/000000000000001-replica_us-west-2_abcd.json';
    const second = 'audit-checkpoints/001800000000000-replica_us-west-2_abcd.json';
    s3.on(ListObjectsV2Command, { ContinuationToken: undefined }).resolves({ Contents: [{ Key: second }], IsTruncated: true, NextContinuationToken: 't1' });
    s3.on(ListObjectsV2Command, { ContinuationToken: 't1' }).resolves({ Contents: [{ Key: first }], IsTruncated: false });
    s3.on(GetObjectCommand, { Key: first }).callsFake(() => ({ Body: body({ ...checkpoint, at: 1 }) }));
    s3.on(GetObjectCommand, { Key: second }).callsFake(() => ({ Body: body(checkpoint) }));
    expect((await log.readAll()).map((c) => c.at)).toEqual([1, checkpoint.at]);
  });

  it('finds out an object overwritten with another validly signed checkpoint (hiding a truncated chain)', async () => {
    const newest = 'audit-checkpoints/001800000000000-replica_us-west-2_abcd.json';
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: newest }], IsTruncated: false });
    s3.on(GetObjectCommand, { Key: newest }).callsFake(() => ({ Body: body({ ...checkpoint, at: 1 }) }));
    const log = new S3CheckpointLog(offlineCaller().caller, { bucket: 'b', bucketRegion: 'us-east-1', prefix: 'audit-checkpoints/' });
    await expect(log.readAll()).rejects.toThrow(/holds the checkpoint of replica\/us-west-2\/abcd at 1, which belongs under .*000000000000001.*: it was overwritten/);
  });

  it('names an object that does not hold a checkpoint at all (overwritten with something else)', async () => {
    const newest = 'audit-checkpoints/001800000000000-replica_us-west-2_abcd.json';
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: newest }], IsTruncated: false });
    s3.on(GetObjectCommand, { Key: newest }).callsFake(() => ({ Body: { transformToString: async () => 'not json' } as never }));
    const log = new S3CheckpointLog(offlineCaller().caller, { bucket: 'b', bucketRegion: 'us-east-1', prefix: 'audit-checkpoints/' });
    await expect(log.readAll()).rejects.toThrow(/checkpoint object b\/audit-checkpoints\/001800000000000-replica_us-west-2_abcd.json does not hold a checkpoint .*locked earlier versions hold the original/);
  });

  it('stops on a listing page that does not move on', async () => {
    s3.on(ListObjectsV2Command).resolves({ Contents: [], IsTruncated: true, NextContinuationToken: 'same' });
    const log = new S3CheckpointLog(offlineCaller().caller, { bucket: 'b', bucketRegion: 'us-east-1', prefix: 'p/' });
    await expect(log.readAll()).rejects.toThrow(/does not advance/);
  });

  it('signs the same bytes the verifier checks', () => {
    expect(signedPayload(checkpoint).toString()).toBe('{"at":1800000000000,"head":{"hash":"h2","seq":2},"records":[[2,"h2"]],"writer":"replica/us-west-2/abcd"}');
  });
});
