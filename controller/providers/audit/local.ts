import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, createHash, type KeyObject } from 'node:crypto';
import { mkdir, open, readFile } from 'node:fs/promises';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../../kernel/errors.js';
import { parseCheckpoint, type CheckpointLog, type CheckpointSigner, type CheckpointVerifier, type SignedCheckpoint } from './checkpoint.js';

const PRIVATE_KEY = 'checkpoint-signing-key.pem';
const PUBLIC_KEY = 'checkpoint-signing-key.pub.pem';
const LOG = 'checkpoints.jsonl';

/**
 * The local stand-in for a KMS key (sandbox and single machine): an Ed25519 key pair in `dir`,
 * made on first use, the private half readable by its owner only. Unlike KMS, whoever can read the
 * file can sign: production uses `mode: aws`.
 */
export class LocalCheckpointKey implements CheckpointSigner, CheckpointVerifier {
  readonly keyId: string;
  private readonly privateKey: KeyObject | undefined;
  private readonly publicKey: KeyObject;

  /** `sign: false` opens the public half only (verification never needs the private key). */
  constructor(dir: string, options: { sign: boolean }) {
    const privatePath = join(dir, PRIVATE_KEY);
    const publicPath = join(dir, PUBLIC_KEY);
    if (options.sign && !existsSync(privatePath)) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const pair = generateKeyPairSync('ed25519');
      // `wx`: two replicas starting at once must not overwrite each other's new key.
      try {
        writeFileSync(privatePath, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
        writeFileSync(publicPath, pair.publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o644 });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    if (!existsSync(publicPath)) throw new InputError(`no checkpoint key in ${dir}`, [`audit.checkpoints.dir: ${dir} holds no ${PUBLIC_KEY}; a replica makes it when it first runs`]);
    this.publicKey = createPublicKey(readFileSync(publicPath));
    this.privateKey = options.sign ? createPrivateKey(readFileSync(privatePath)) : undefined;
    this.keyId = `ed25519:${createHash('sha256').update(this.publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16)}`;
  }

  async sign(payload: Buffer): Promise<string> {
    if (!this.privateKey) throw new Error('this checkpoint key was opened to verify only');
    return sign(null, payload, this.privateKey).toString('base64');
  }

  async verify(payload: Buffer, signature: string, keyId: string): Promise<boolean> {
    return keyId === this.keyId && verify(null, payload, this.publicKey, Buffer.from(signature, 'base64'));
  }
}

/** Checkpoints as lines of a file opened for appending only, outside the state store. */
export class LocalCheckpointLog implements CheckpointLog {
  private readonly path: string;

  constructor(dir: string) {
    this.path = join(dir, LOG);
  }

  async append(checkpoint: SignedCheckpoint): Promise<void> {
    await mkdir(join(this.path, '..'), { recursive: true });
    const file = await open(this.path, 'a');
    try {
      await file.appendFile(`${JSON.stringify(checkpoint)}\n`, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
  }

  async readAll(): Promise<SignedCheckpoint[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    // A line that does not parse is kept as a checkpoint that cannot verify: it is reported, not skipped.
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => parseCheckpoint(line) ?? { writer: 'unreadable line', at: 0, head: { seq: 0, hash: '' }, records: [], keyId: '', signature: '' });
  }
}
