import type { AwsCaller } from '../../aws/caller.js';
import type { Config } from '../../config/schema.js';
import type { RegionName } from '../../domain/types.js';
import { KmsCheckpointKey, S3CheckpointLog } from './aws.js';
import type { CheckpointLog, CheckpointSigner, CheckpointVerifier } from './checkpoint.js';
import { LocalCheckpointKey, LocalCheckpointLog } from './local.js';

export interface CheckpointParts {
  /** Present when opened to sign (a replica); verification never needs it. */
  signer?: CheckpointSigner;
  verifier: CheckpointVerifier;
  log: CheckpointLog;
}

/** The checkpoint key and log the config names: a local key file and log, or KMS and S3 Object Lock. */
export function openCheckpoints(config: Config, options: { caller: AwsCaller; region: RegionName; sign: boolean }): CheckpointParts {
  const settings = config.audit.checkpoints;
  if (settings.mode === 'local') {
    const key = new LocalCheckpointKey(settings.dir, { sign: options.sign });
    return { ...(options.sign && { signer: key }), verifier: key, log: new LocalCheckpointLog(settings.dir) };
  }
  const key = new KmsCheckpointKey(options.caller, options.region, settings.kmsKeyId);
  return { ...(options.sign && { signer: key }), verifier: key, log: new S3CheckpointLog(options.caller, settings) };
}
