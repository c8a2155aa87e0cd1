import type { IncomingMessage, ServerResponse } from 'node:http';
import { readJsonCall, sendJson, sendJsonError, type JsonObject } from '../arc/json-protocol.js';
import type { IamGate } from '../iam/gate.js';
import { HeldRequests, meetFault } from '../rds/transport.js';
import type { AwsApiFault, FaultView } from '../shared/faults.js';
import { callerFromAuthorization } from '../shared/sigv4.js';
import { KMS_CONTENT_TYPE, KmsApiError, accessDenied, validationError } from './errors.js';
import { KEY_SPEC, SIGNING_ALGORITHM, SigningKeys, keyArn, requestedKeyArn } from './keys.js';

/**
 * The sandbox's KMS: Sign and GetPublicKey (AWS JSON 1.1, `TrentService`, one server for every
 * region, the region read from the request's SigV4 scope) over asymmetric ECC_NIST_P256 signing
 * keys created at seed time. Every call is evaluated by IAM on the key's ARN in the caller's region.
 */

export interface KmsEmulatorOptions {
  faults: FaultView;
  /** IAM: each request is evaluated against its caller's policy. Default: every call allowed. */
  iam?: IamGate;
  /** The account the keys live in (KeyId inputs that are bare ids are read as this account's). */
  account: string;
}

export interface KmsEmulator {
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Creates a multi-Region signing key with this id in each of `regions`; returns its ARN per region. */
  seedSigningKey(keyId: string, regions: readonly string[]): Record<string, string>;
  /** Requests served per operation. */
  callCounts(): Record<string, number>;
  stop(): void;
}

const TARGET_PREFIX = 'TrentService';

function faultError(fault: AwsApiFault): KmsApiError | undefined {
  switch (fault.kind) {
    case 'throttle':
      return new KmsApiError('ThrottlingException', 'Rate exceeded');
    case 'server-error':
      return new KmsApiError('KMSInternalException', 'KMS encountered an internal error; try again', 500);
    case 'access-denied':
      return accessDenied('User is not authorized to perform this operation');
    case 'expired-token':
      return new KmsApiError('ExpiredTokenException', 'The security token included in the request is expired');
    default:
      return undefined;
  }
}

function stringField(input: JsonObject, field: string): string {
  const value = input[field];
  if (typeof value !== 'string' || value === '') throw validationError(`1 validation error detected: Value at '${field[0]?.toLowerCase()}${field.slice(1)}' failed to satisfy constraint: Member must not be null`);
  return value;
}

/** A blob member: base64 in JSON. */
function blobField(input: JsonObject, field: string): Buffer {
  const text = stringField(input, field);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw new KmsApiError('SerializationException', `${field} is not valid base64`);
  return Buffer.from(text, 'base64');
}

export function createKmsEmulator(options: KmsEmulatorOptions): KmsEmulator {
  const keys = new SigningKeys();
  const held = new HeldRequests();
  const counts = new Map<string, number>();

  const operations: Record<string, { action: string; run: (input: JsonObject, region: string) => JsonObject }> = {
    Sign: {
      action: 'kms:Sign',
      run: (input, region) => {
        const key = keys.resolve(stringField(input, 'KeyId'), options.account, region);
        const message = blobField(input, 'Message');
        const algorithm = stringField(input, 'SigningAlgorithm');
        const signature = keys.sign(key, message, typeof input.MessageType === 'string' ? input.MessageType : 'RAW', algorithm);
        return { KeyId: keyArn(key, region), Signature: signature.toString('base64'), SigningAlgorithm: algorithm };
      },
    },
    GetPublicKey: {
      action: 'kms:GetPublicKey',
      run: (input, region) => {
        const key = keys.resolve(stringField(input, 'KeyId'), options.account, region);
        return {
          KeyId: keyArn(key, region),
          PublicKey: key.publicKeyDer.toString('base64'),
          KeySpec: KEY_SPEC,
          CustomerMasterKeySpec: KEY_SPEC,
          KeyUsage: 'SIGN_VERIFY',
          SigningAlgorithms: [SIGNING_ALGORITHM],
        };
      },
    },
  };

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const caller = callerFromAuthorization(req.headers.authorization);
    const faulted = meetFault(options.faults.awsApiFault('kms', caller), req, res, held, faultError);
    if (faulted === 'handled') return;
    try {
      if (faulted) throw faulted;
      const call = await readJsonCall(req, TARGET_PREFIX);
      if (!call.ok) throw new KmsApiError(call.reason === 'cannotParse' ? 'SerializationException' : 'UnknownOperationException', call.message);
      const operation = operations[call.operation];
      if (!operation) throw new KmsApiError('UnknownOperationException', `The sandbox's KMS serves ${Object.keys(operations).join(' and ')}, not ${call.operation}`);
      if (caller.region === undefined) throw new KmsApiError('MissingAuthenticationTokenException', 'Request is missing Authentication Token');
      const resource = requestedKeyArn(stringField(call.input, 'KeyId'), options.account, caller.region);
      const denial = options.iam?.authorize(caller, { action: operation.action, resources: [resource] });
      if (denial) throw accessDenied(denial.message);
      counts.set(call.operation, (counts.get(call.operation) ?? 0) + 1);
      sendJson(res, 200, operation.run(call.input, caller.region), { 'content-type': KMS_CONTENT_TYPE });
    } catch (error) {
      sendJsonError(res, (error instanceof KmsApiError ? error : new KmsApiError('KMSInternalException', 'KMS encountered an internal error', 500)).toJson());
    }
  }

  return {
    handle: (req, res) => void serve(req, res),
    seedSigningKey: (keyId, regions) => {
      const key = keys.create({ keyId, account: options.account, regions });
      return Object.fromEntries(regions.map((region) => [region, keyArn(key, region)]));
    },
    callCounts: () => Object.fromEntries(counts),
    stop: () => held.releaseAll(),
  };
}
