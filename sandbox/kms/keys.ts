import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { invalidKeyUsage, notFound, validationError } from './errors.js';

/** The one kind of key the sandbox's KMS holds: ECC_NIST_P256 for SIGN_VERIFY, as the audit checkpoints use. */
export const KEY_SPEC = 'ECC_NIST_P256';
export const SIGNING_ALGORITHM = 'ECDSA_SHA_256';
/** Every algorithm KMS knows, so a valid name the key cannot use is told apart from a name KMS never heard of. */
const KNOWN_ALGORITHMS = new Set([
  'RSASSA_PSS_SHA_256', 'RSASSA_PSS_SHA_384', 'RSASSA_PSS_SHA_512',
  'RSASSA_PKCS1_V1_5_SHA_256', 'RSASSA_PKCS1_V1_5_SHA_384', 'RSASSA_PKCS1_V1_5_SHA_512',
  'ECDSA_SHA_256', 'ECDSA_SHA_384', 'ECDSA_SHA_512', 'SM2DSA', 'ML_DSA_SHAKE_256',
]);
/** KMS signs messages of at most 4096 bytes; a longer one must be digested first. */
export const MAX_MESSAGE_BYTES = 4096;

/** One signing key: multi-Region, so the same id and key material answer in every region it is in. */
export interface SigningKey {
  keyId: string;
  account: string;
  regions: ReadonlySet<string>;
  privateKey: KeyObject;
  /** The public half, DER-encoded SubjectPublicKeyInfo, as GetPublicKey returns it. */
  publicKeyDer: Buffer;
}

export const keyArn = (key: Pick<SigningKey, 'keyId' | 'account'>, region: string): string => `arn:aws:kms:${region}:${key.account}:key/${key.keyId}`;

const KEY_ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):key\/(.+)$/;

/** The key id a config names as a key id or a key ARN. */
export function bareKeyId(keyIdOrArn: string): string {
  return KEY_ARN.exec(keyIdOrArn)?.[3] ?? keyIdOrArn;
}

/** The key ARN a `KeyId` input names in the caller's region (a key id, or a key ARN as given). */
export function requestedKeyArn(keyIdInput: string, account: string, region: string): string {
  return KEY_ARN.test(keyIdInput) ? keyIdInput : keyArn({ keyId: keyIdInput, account }, region);
}

export class SigningKeys {
  private readonly keys = new Map<string, SigningKey>();

  /** Creates a key (the sandbox's seed; KMS's CreateKey and ReplicateKey are not served). */
  create(input: { keyId: string; account: string; regions: readonly string[] }): SigningKey {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const key = { ...input, regions: new Set(input.regions), privateKey, publicKeyDer: publicKey.export({ format: 'der', type: 'spki' }) };
    this.keys.set(input.keyId, key);
    return key;
  }

  /** The key a `KeyId` input names in `region`: by id or ARN (aliases are not served). */
  resolve(keyIdInput: string, account: string, region: string): SigningKey {
    const arn = requestedKeyArn(keyIdInput, account, region);
    const [, arnRegion, arnAccount, keyId] = KEY_ARN.exec(arn) ?? [];
    const key = keyId === undefined ? undefined : this.keys.get(keyId);
    if (!key || arnRegion !== region || arnAccount !== key.account || !key.regions.has(region)) throw notFound(arn);
    return key;
  }

  /** A DER-encoded ECDSA signature over the SHA-256 of a RAW message, as KMS's Sign returns it. */
  sign(key: SigningKey, message: Buffer, messageType: string, algorithm: string): Buffer {
    if (!KNOWN_ALGORITHMS.has(algorithm)) throw validationError(`1 validation error detected: Value '${algorithm}' at 'signingAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [${[...KNOWN_ALGORITHMS].join(', ')}]`);
    if (algorithm !== SIGNING_ALGORITHM) throw invalidKeyUsage(`Signing algorithm ${algorithm} is not supported by key ${keyArn(key, [...key.regions][0] ?? '')} (${KEY_SPEC} supports ${SIGNING_ALGORITHM})`);
    if (messageType === 'DIGEST') throw validationError('The sandbox signs RAW messages only; send the message with MessageType RAW');
    if (messageType !== 'RAW') throw validationError(`1 validation error detected: Value '${messageType}' at 'messageType' failed to satisfy constraint: Member must satisfy enum value set: [RAW, DIGEST, EXTERNAL_MU]`);
    if (message.length === 0 || message.length > MAX_MESSAGE_BYTES) {
      throw validationError(`1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length between 1 and ${MAX_MESSAGE_BYTES}`);
    }
    return sign('sha256', message, key.privateKey);
  }
}
