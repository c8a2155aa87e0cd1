import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The AWS actions the controller's code sends, found from the code itself: every SDK command class
 * it imports (`import { GetItemCommand } from '@aws-sdk/client-dynamodb'` is `dynamodb:GetItem`).
 * A new call in the code is a new action here, with nothing to keep in step by hand.
 */

const CONTROLLER_DIR = fileURLToPath(new URL('../../controller/', import.meta.url));

/** SDK client package -> IAM service prefix. A client missing here fails the scan, so it is never skipped. */
const SERVICE_PREFIX: Record<string, string> = {
  'client-cloudwatch': 'cloudwatch',
  'client-dynamodb': 'dynamodb',
  'client-iam': 'iam',
  'client-kms': 'kms',
  'client-s3': 's3',
  'client-rds': 'rds',
  'client-route-53': 'route53',
  'client-route53-recovery-cluster': 'route53-recovery-cluster',
  'client-sns': 'sns',
  'client-sts': 'sts',
};

/**
 * Actions the code sends that the deployed role must not be granted, each with the reason. Every
 * entry must still be found in the code (see the infra tests), so the list cannot outlive its use.
 */
export const NOT_FOR_THE_ROLE: Readonly<Record<string, string>> = {
  'dynamodb:CreateTable': 'the embedded store creates its own table; in AWS the stack creates it (StateTable)',
  'dynamodb:DescribeTable': 'only the embedded store waits for its table to be ACTIVE',
  'sns:Publish': 'SNS notifications are opt-in (`notifications.sns`); the rendered config sends none, and a team that adds a topic grants it',
  'sts:GetCallerIdentity': 'needs no permission: IAM never denies it',
  'kms:GetPublicKey': 'only `fcp audit --verify` reads the checkpoint key\'s public half: an auditor\'s right, not the controller\'s',
  's3:GetObject': 'only `fcp audit --verify` reads checkpoints back: an auditor\'s right, not the controller\'s',
  's3:ListObjectsV2': 'only `fcp audit --verify` lists checkpoints (IAM calls it s3:ListBucket): an auditor\'s right, not the controller\'s',
};

export interface ControllerAction {
  /** `service:Action`, as IAM names it. */
  action: string;
  /** The controller files that import its command, relative to the repository. */
  files: string[];
}

const IMPORT = /import\s*(type\s+)?\{([^}]*)\}\s*from\s*'@aws-sdk\/(client-[a-z0-9-]+)'/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Every action the controller's code can send, sorted, with where its command is imported. */
export function controllerActions(dir = CONTROLLER_DIR): ControllerAction[] {
  const found = new Map<string, Set<string>>();
  for (const file of sourceFiles(dir)) {
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const [, typeOnly, names = '', client = ''] = match;
      if (typeOnly) continue;
      const commands = names
        .split(',')
        .map((name) => name.trim())
        .filter((name) => !name.startsWith('type ') && /^[A-Z]\w*Command$/.test(name));
      if (commands.length === 0) continue;
      const prefix = SERVICE_PREFIX[client];
      if (!prefix) throw new Error(`${relative(dir, file)} imports commands of @aws-sdk/${client}, whose IAM service prefix is not known; add it to SERVICE_PREFIX`);
      for (const command of commands) {
        const action = `${prefix}:${command.slice(0, -'Command'.length)}`;
        found.set(action, (found.get(action) ?? new Set()).add(relative(join(dir, '..'), file)));
      }
    }
  }
  return [...found].map(([action, files]) => ({ action, files: [...files].sort() })).sort((a, b) => a.action.localeCompare(b.action));
}

/** The actions the deployed controller role must allow: everything the code sends but NOT_FOR_THE_ROLE. */
export function actionsTheRoleNeeds(dir = CONTROLLER_DIR): string[] {
  return controllerActions(dir)
    .map((found) => found.action)
    .filter((action) => !(action in NOT_FOR_THE_ROLE));
}
