import type { Millis } from '../../../kernel/time.js';
import { canonicalJson } from '../../store/canonical-json.js';

/**
 * A checkpoint of the audit chain, signed by the replica that wrote it: the chain's head as that
 * replica saw it, and the records it appended itself since its previous checkpoint. Heads catch
 * truncation, re-chaining and a wiped chain; the lists catch records no replica wrote (forged).
 */
export interface Checkpoint {
  /** The replica process (holder name) that signs it. */
  writer: string;
  at: Millis;
  head: { seq: number; hash: string };
  /** `[seq, hash]` of each record this writer appended since its previous checkpoint. */
  records: [number, string][];
}

export interface SignedCheckpoint extends Checkpoint {
  /** Which key signed it (a KMS key ARN, or the local key's fingerprint). */
  keyId: string;
  /** Base64 signature over the checkpoint's canonical JSON (without keyId and signature). */
  signature: string;
}

/** Signs with a key the controller can use but (in production) not export. */
export interface CheckpointSigner {
  readonly keyId: string;
  sign(payload: Buffer): Promise<string>;
}

/** Checks signatures with the public half of the signing key. */
export interface CheckpointVerifier {
  verify(payload: Buffer, signature: string, keyId: string): Promise<boolean>;
}

/** Where checkpoints are kept: out of reach of the state store's writers, append-only. */
export interface CheckpointLog {
  append(checkpoint: SignedCheckpoint): Promise<void>;
  /** Every checkpoint, oldest first. */
  readAll(): Promise<SignedCheckpoint[]>;
}

/** A stored checkpoint's text as a checkpoint, or undefined when it is not one (not JSON, or a field missing or of the wrong type). */
export function parseCheckpoint(text: string): SignedCheckpoint | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const c = value as Record<string, unknown>;
  const head = c.head as Record<string, unknown> | null | undefined;
  const fields = typeof c.writer === 'string' && typeof c.at === 'number' && typeof c.keyId === 'string' && typeof c.signature === 'string' && Array.isArray(c.records);
  return fields && typeof head === 'object' && head !== null && typeof head.seq === 'number' && typeof head.hash === 'string' ? (value as SignedCheckpoint) : undefined;
}

/** The bytes a signature covers. */
export function signedPayload(checkpoint: Checkpoint): Buffer {
  const { writer, at, head, records } = checkpoint;
  return Buffer.from(canonicalJson({ writer, at, head, records }), 'utf8');
}
