import type { AwsCheckpointsSpec, SandboxSpec } from '../spec.js';
import { checkpointKeyArns } from '../setup/seed.js';
import { sandboxAccount } from './controller-role.js';

/**
 * The auditor the sandbox adds beside the controller roles when checkpoints are kept in AWS:
 * reading checkpoints back (`fcp audit --verify`) is an auditor's right, which `infra/` does not
 * give the controller. It reads the checkpoint key's public half and the checkpoint objects, and
 * nothing else. In region R it signs with `<accessKeyIdPrefix>auditor-R`, so a config whose
 * `aws.credentials.accessKeyIdPrefix` is `<accessKeyIdPrefix>auditor-` acts as the auditor.
 */

export const AUDITOR_KEY_INFIX = 'auditor-';

export const auditorRoleArn = (config: SandboxSpec): string => `arn:aws:iam::${sandboxAccount(config)}:role/${config.name}-auditor`;

export function auditorPolicy(config: SandboxSpec, checkpoints: AwsCheckpointsSpec): unknown {
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'ReadCheckpointKey', Effect: 'Allow', Action: ['kms:GetPublicKey'], Resource: Object.values(checkpointKeyArns(config, checkpoints, sandboxAccount(config))) },
      {
        Sid: 'ListCheckpoints',
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: [`arn:aws:s3:::${checkpoints.bucket}`],
        Condition: { StringLike: { 's3:prefix': [`${checkpoints.prefix}*`] } },
      },
      { Sid: 'ReadCheckpoints', Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: [`arn:aws:s3:::${checkpoints.bucket}/${checkpoints.prefix}*`] },
    ],
  };
}
