import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { actionsTheRoleNeeds, controllerActions, NOT_FOR_THE_ROLE } from '../../../infra/policy/controller-actions.js';

const scratch = mkdtempSync(join(tmpdir(), 'fcp-actions-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(scratch, 'controller-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('the actions the controller code sends', () => {
  it('are read from the SDK commands the code imports, not from a list', () => {
    const dir = tree({
      'a/x.ts': "import { GetItemCommand, type QueryCommandInput } from '@aws-sdk/client-dynamodb';\nimport type { PutItemCommand } from '@aws-sdk/client-dynamodb';",
      'b/y.ts': "import {\n  SwitchoverGlobalClusterCommand,\n  type GlobalCluster,\n} from '@aws-sdk/client-rds';",
    });
    expect(controllerActions(dir).map((found) => found.action)).toEqual(['dynamodb:GetItem', 'rds:SwitchoverGlobalCluster']);
  });

  it('refuse a client whose IAM service is not known, rather than skip it', () => {
    const dir = tree({ 'z.ts': "import { SendMessageCommand } from '@aws-sdk/client-sqs';" });
    expect(() => controllerActions(dir)).toThrow(/client-sqs.*add it to SERVICE_PREFIX/);
  });

  it('include every write of the failover path in the real code', () => {
    expect(actionsTheRoleNeeds()).toEqual(expect.arrayContaining([
      'route53-recovery-cluster:UpdateRoutingControlStates',
      'route53:ChangeResourceRecordSets',
      'route53:GetChange',
      'rds:SwitchoverGlobalCluster',
      'rds:FailoverGlobalCluster',
      'dynamodb:PutItem',
    ]));
  });

  it.each(Object.keys(NOT_FOR_THE_ROLE))('leave %s out of the role only while the code still sends it', (action) => {
    expect(controllerActions().map((found) => found.action)).toContain(action);
    expect(actionsTheRoleNeeds()).not.toContain(action);
  });
});
