import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { GetPublicKeyCommand, SignCommand } from '@aws-sdk/client-kms';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import type { AwsCaller } from '../../aws/caller.js';
import type { RegionName } from '../../domain/types.js';
import { FcpError } from '../../../kernel/errors.js';
import { parseCheckpoint, type CheckpointLog, type CheckpointSigner, type CheckpointVerifier, type SignedCheckpoint } from './checkpoint.js';

/** ECDSA over P-256 with SHA-256: what an ECC_NIST_P256 SIGN_VERIFY key signs with. */
const ALGORITHM = 'ECDSA_SHA_256';
/** Each checkpoint read or write is small; a slow one is retried at the next checkpoint. */
const CALL_MS = 5000;
const budget = () => ({ deadlineAt: Date.now() + CALL_MS });

/**
 * Signs with an asymmetric KMS key: the controller's role may `kms:Sign` but the private key never
 * leaves KMS. Verification uses the key's public half (`kms:GetPublicKey`, once), so an auditor
 * needs no signing right. `region` is where this replica calls KMS (a multi-Region key has a
 * replica in each region).
 */
export class KmsCheckpointKey implements CheckpointSigner, CheckpointVerifier {
  private publicKey: Promise<KeyObject> | undefined;

  constructor(
    private readonly caller: AwsCaller,
    private readonly region: RegionName,
    readonly keyId: string,
  ) {}

  async sign(payload: Buffer): Promise<string> {
    const answer = await this.caller.call(
      { service: 'kms', operation: 'Sign', region: this.region },
      (clients, signal) => clients.kms(this.region).send(new SignCommand({ KeyId: this.keyId, Message: payload, MessageType: 'RAW', SigningAlgorithm: ALGORITHM }), { abortSignal: signal }),
      budget(),
    );
    if (!answer.Signature) throw new FcpError(`KMS signed with ${this.keyId} but returned no signature`);
    return Buffer.from(answer.Signature).toString('base64');
  }

  async verify(payload: Buffer, signature: string, keyId: string): Promise<boolean> {
    if (keyId !== this.keyId) return false;
    this.publicKey ??= this.fetchPublicKey().catch((error: unknown) => {
      this.publicKey = undefined;
      throw error;
    });
    // KMS returns DER-encoded ECDSA signatures, which node verifies as is.
    return verify('sha256', payload, await this.publicKey, Buffer.from(signature, 'base64'));
  }

  private async fetchPublicKey(): Promise<KeyObject> {
    const answer = await this.caller.call(
      { service: 'kms', operation: 'GetPublicKey', region: this.region },
      (clients, signal) => clients.kms(this.region).send(new GetPublicKeyCommand({ KeyId: this.keyId }), { abortSignal: signal }),
      budget(),
    );
    if (!answer.PublicKey) throw new FcpError(`KMS returned no public key for ${this.keyId}`);
    return createPublicKey({ key: Buffer.from(answer.PublicKey), format: 'der', type: 'spki' });
  }
}

/**
 * Checkpoints as objects in an S3 bucket with Object Lock in compliance mode (declared in
 * `infra/`): once written, nobody (not the controller, not an account administrator) can change or
 * delete them until their retention ends. One object per checkpoint, named so listing is in time order.
 */
export class S3CheckpointLog implements CheckpointLog {
  constructor(
    private readonly caller: AwsCaller,
    private readonly settings: { bucket: string; bucketRegion: RegionName; prefix: string },
  ) {}

  /** Where a checkpoint is kept: its time and writer name it, so an object holding another checkpoint is found out. */
  private keyOf(checkpoint: Pick<SignedCheckpoint, 'at' | 'writer'>): string {
    return `${this.settings.prefix}${String(checkpoint.at).padStart(15, '0')}-${String(checkpoint.writer).replace(/[^A-Za-z0-9.-]/g, '_')}.json`;
  }

  async append(checkpoint: SignedCheckpoint): Promise<void> {
    const { bucket, bucketRegion } = this.settings;
    const key = this.keyOf(checkpoint);
    await this.caller.call(
      { service: 's3', operation: 'PutObject', region: bucketRegion },
      (clients, signal) => clients.s3(bucketRegion).send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(checkpoint), ContentType: 'application/json' }), { abortSignal: signal }),
      budget(),
    );
  }

  async readAll(): Promise<SignedCheckpoint[]> {
    const { bucket, bucketRegion, prefix } = this.settings;
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.caller.call(
        { service: 's3', operation: 'ListObjectsV2', region: bucketRegion },
        (clients, signal) => clients.s3(bucketRegion).send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token && { ContinuationToken: token }) }), { abortSignal: signal }),
        budget(),
      );
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
      const next = page.IsTruncated ? page.NextContinuationToken : undefined;
      // A page that does not move on would list for ever.
      if (next !== undefined && next === token) throw new FcpError(`S3 listed ${bucket}/${prefix} with a continuation token that does not advance`);
      token = next;
    } while (token);
    const checkpoints: SignedCheckpoint[] = [];
    for (const key of keys.sort()) {
      const object = await this.caller.call(
        { service: 's3', operation: 'GetObject', region: bucketRegion },
        (clients, signal) => clients.s3(bucketRegion).send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal }),
        budget(),
      );
      const checkpoint = parseCheckpoint((await object.Body?.transformToString('utf8')) ?? '');
      if (!checkpoint) {
        throw new FcpError(`checkpoint object ${bucket}/${key} does not hold a checkpoint (not JSON, or a field missing): it was overwritten; its locked earlier versions hold the original`, { context: { bucket, key } });
      }
      // The signature covers the checkpoint, not its object: a writer under the prefix could put an
      // older, validly signed checkpoint over the newest one to hide a truncated chain.
      if (this.keyOf(checkpoint) !== key) {
        throw new FcpError(`checkpoint object ${bucket}/${key} holds the checkpoint of ${String(checkpoint.writer)} at ${String(checkpoint.at)}, which belongs under ${this.keyOf(checkpoint)}: it was overwritten; its locked earlier versions hold the original`, { context: { bucket, key } });
      }
      checkpoints.push(checkpoint);
    }
    return checkpoints;
  }
}
