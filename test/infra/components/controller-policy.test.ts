import { describe, expect, it } from 'vitest';
import { alarmKeyPolicy, controllerPolicyDocument, executionPolicyDocument } from '../../../infra/components/controller-policy.js';

const inputs = {
  changeZoneIds: ['/hostedzone/ZPRIVATE1'],
  readZoneIds: ['ZPUBLIC1', '/hostedzone/ZPRIVATE1'],
  recordNames: ['Writer.DB.internal.', 'reader.us-east-1.db.internal'],
  healthCheckIds: ['hc-1', 'hc-2'],
  routingControlArns: ['arn:aws:route53-recovery-control::1:controlpanel/p/routingcontrol/a', 'arn:aws:route53-recovery-control::1:controlpanel/p/routingcontrol/b'],
  globalClusterArn: 'arn:aws:rds::1:global-cluster:g',
  clusterArns: ['arn:aws:rds:us-east-1:1:cluster:a', 'arn:aws:rds:us-west-2:1:cluster:b'],
  tableArns: ['arn:aws:dynamodb:us-east-1:1:table/t', 'arn:aws:dynamodb:us-west-2:1:table/t'],
  principalArn: 'arn:aws:iam::1:role/auth-us-east-1-controller',
  checkpointKeyArn: 'arn:aws:kms:us-east-1:1:key/mrk-1',
  checkpointObjects: 'arn:aws:s3:::auth-audit-1/audit-checkpoints/*',
};

const statement = (sid: string) => {
  const found = controllerPolicyDocument(inputs).Statement.find((s) => s.Sid === sid);
  if (!found) throw new Error(`no statement ${sid}`);
  return found;
};

describe('controller IAM policy', () => {
  it('names every action; no action has a wildcard', () => {
    for (const document of [controllerPolicyDocument(inputs), executionPolicyDocument({ repositoryArn: 'r', logGroupArn: 'l', configParameterArn: 'p' })]) {
      for (const s of document.Statement) for (const action of s.Action) expect(action).not.toContain('*');
    }
  });

  it('limits record changes to the DB endpoint zone, its record names, CNAMEs and UPSERT', () => {
    const flip = statement('FlipOwnedRecords');
    expect(flip.Resource).toEqual(['arn:aws:route53:::hostedzone/ZPRIVATE1']);
    expect(statement('ReadOwnedZones').Resource).toEqual(['arn:aws:route53:::hostedzone/ZPUBLIC1', 'arn:aws:route53:::hostedzone/ZPRIVATE1']);
    expect(flip.Condition?.['ForAllValues:StringEquals']).toEqual({
      'route53:ChangeResourceRecordSetsNormalizedRecordNames': ['writer.db.internal', 'reader.us-east-1.db.internal'],
      'route53:ChangeResourceRecordSetsRecordTypes': ['CNAME'],
      'route53:ChangeResourceRecordSetsActions': ['UPSERT'],
    });
  });

  it('limits routing-control updates to the deployment controls and promotion to the global database and its members', () => {
    expect(statement('FlipRoutingControls').Resource).toEqual(inputs.routingControlArns);
    expect(statement('PromoteGlobalDatabase')).toMatchObject({
      Action: ['rds:SwitchoverGlobalCluster', 'rds:FailoverGlobalCluster'],
      Resource: [inputs.globalClusterArn, ...inputs.clusterArns],
    });
    expect(statement('StateTable').Resource).toEqual(inputs.tableArns);
    expect(statement('StateTable').Action).not.toContain('dynamodb:DescribeTable');
    expect(statement('ReadOriginHealth').Resource).toEqual(['arn:aws:route53:::healthcheck/hc-1', 'arn:aws:route53:::healthcheck/hc-2']);
  });

  it('never lets a routing-control update override a safety rule', () => {
    expect(statement('FlipRoutingControls')).toMatchObject({
      Action: ['route53-recovery-cluster:UpdateRoutingControlStates'],
      Condition: { BoolIfExists: { 'route53-recovery-cluster:AllowSafetyRulesOverrides': ['false'] } },
    });
  });

  it('lets the role simulate only its own permissions, and publish nowhere', () => {
    expect(statement('ProveOwnPermissions')).toMatchObject({ Action: ['iam:SimulatePrincipalPolicy'], Resource: [inputs.principalArn] });
    const actions = controllerPolicyDocument(inputs).Statement.flatMap((s) => s.Action);
    expect(actions.filter((a) => a.startsWith('sns:'))).toEqual([]);
  });

  it('lets CloudWatch alarms of the account use the alarm-topic key, and nothing else outside the account', () => {
    const policy = alarmKeyPolicy('123456789012');
    const outside = policy.Statement.filter((s) => !('AWS' in s.Principal));
    expect(outside).toEqual([
      expect.objectContaining({
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
      }),
    ]);
  });

  it('grants `*` resources only where IAM has no resource-level permissions', () => {
    const anyResource = [
      ...controllerPolicyDocument(inputs).Statement,
      ...executionPolicyDocument({ repositoryArn: 'r', logGroupArn: 'l', configParameterArn: 'p' }).Statement,
    ].filter((s) => s.Resource.includes('*')).flatMap((s) => s.Action);
    expect(anyResource.sort()).toEqual(['cloudwatch:GetMetricData', 'ecr:GetAuthorizationToken']);
  });

  it('lets the execution role write only to its log group streams', () => {
    const logs = executionPolicyDocument({ repositoryArn: 'r', logGroupArn: 'arn:aws:logs:us-east-1:1:log-group:/fcp/x', configParameterArn: 'p' })
      .Statement.find((s) => s.Sid === 'WriteLogs');
    expect(logs?.Resource).toEqual(['arn:aws:logs:us-east-1:1:log-group:/fcp/x:*']);
  });
});
