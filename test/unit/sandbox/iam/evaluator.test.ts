import { describe, expect, it } from 'vitest';
import { InputError } from '../../../../kernel/errors.js';
import { PolicyEvaluator, type IamRequest } from '../../../../sandbox/iam/evaluator.js';

const ZONE = 'arn:aws:route53:::hostedzone/ZPRIVATE';
const CONTROL = 'arn:aws:route53-recovery-control::000000000000:controlpanel/p/routingcontrol/us-west-2';

const policy = new PolicyEvaluator(
  [
    {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'FlipOwnedRecords',
          Effect: 'Allow',
          Action: ['route53:ChangeResourceRecordSets'],
          Resource: [ZONE],
          Condition: {
            'ForAllValues:StringEquals': {
              'route53:ChangeResourceRecordSetsNormalizedRecordNames': ['writer.db.internal'],
              'route53:ChangeResourceRecordSetsRecordTypes': ['CNAME'],
              'route53:ChangeResourceRecordSetsActions': ['UPSERT'],
            },
          },
        },
        {
          Effect: 'Allow',
          Action: 'route53-recovery-cluster:UpdateRoutingControlStates',
          Resource: CONTROL,
          Condition: { BoolIfExists: { 'route53-recovery-cluster:AllowSafetyRulesOverrides': 'false' } },
        },
        { Effect: 'Allow', Action: ['rds:Describe*'], Resource: ['arn:aws:rds:*:000000000000:cluster:auth-*'] },
        { Effect: 'Deny', Action: ['rds:DescribeDBClusters'], Resource: ['arn:aws:rds:eu-west-1:000000000000:cluster:*'] },
      ],
    },
  ],
  'test policy',
);

const upsert = (overrides: Record<string, string[]> = {}): IamRequest => ({
  action: 'route53:ChangeResourceRecordSets',
  resource: ZONE,
  context: {
    'route53:ChangeResourceRecordSetsNormalizedRecordNames': ['writer.db.internal'],
    'route53:ChangeResourceRecordSetsRecordTypes': ['CNAME'],
    'route53:ChangeResourceRecordSetsActions': ['UPSERT'],
    ...overrides,
  },
});

describe('PolicyEvaluator', () => {
  it.each<{ name: string; request: IamRequest; decision: string }>([
    { name: 'the change the statement is for', request: upsert(), decision: 'allowed' },
    // pbac alone reads only the first key of a block and would allow these two.
    { name: 'a DELETE of an allowed name (second key of the block)', request: upsert({ 'route53:ChangeResourceRecordSetsActions': ['DELETE'] }), decision: 'implicitDeny' },
    { name: 'an A record of an allowed name (third key)', request: upsert({ 'route53:ChangeResourceRecordSetsRecordTypes': ['A'] }), decision: 'implicitDeny' },
    { name: 'a name outside the list', request: upsert({ 'route53:ChangeResourceRecordSetsNormalizedRecordNames': ['writer.db.internal', 'www.example.com'] }), decision: 'implicitDeny' },
    { name: 'another zone', request: { ...upsert(), resource: 'arn:aws:route53:::hostedzone/ZPUBLIC' }, decision: 'implicitDeny' },
    // pbac alone reads an absent key as its own name, so IfExists would never hold without the key.
    { name: 'a routing-control update without the override key', request: { action: 'route53-recovery-cluster:UpdateRoutingControlStates', resource: CONTROL }, decision: 'allowed' },
    { name: 'a routing-control update that does not override', request: { action: 'route53-recovery-cluster:UpdateRoutingControlStates', resource: CONTROL, context: { 'route53-recovery-cluster:AllowSafetyRulesOverrides': false } }, decision: 'allowed' },
    { name: 'a routing-control update that overrides safety rules', request: { action: 'route53-recovery-cluster:UpdateRoutingControlStates', resource: CONTROL, context: { 'route53-recovery-cluster:AllowSafetyRulesOverrides': true } }, decision: 'implicitDeny' },
    // pbac alone compares actions exactly; IAM does not.
    { name: 'an action in other letter case', request: { action: 'RDS:describedbclusters', resource: 'arn:aws:rds:us-east-1:000000000000:cluster:auth-us-east-1' }, decision: 'allowed' },
    { name: 'a wildcard action and resource', request: { action: 'rds:DescribeGlobalClusters', resource: 'arn:aws:rds:us-west-2:000000000000:cluster:auth-x' }, decision: 'allowed' },
    { name: 'an explicit deny over an allow', request: { action: 'rds:DescribeDBClusters', resource: 'arn:aws:rds:eu-west-1:000000000000:cluster:auth-eu' }, decision: 'explicitDeny' },
    { name: 'an action no statement names', request: { action: 'rds:DeleteDBCluster', resource: 'arn:aws:rds:us-east-1:000000000000:cluster:auth-us-east-1' }, decision: 'implicitDeny' },
  ])('$name: $decision', ({ request, decision }) => {
    expect(policy.evaluate(request)).toBe(decision);
  });

  it.each([
    { name: 'a misspelt effect', document: { Version: '2012-10-17', Statement: [{ Effect: 'Alow', Action: 'a:b', Resource: '*' }] }, problem: 'Statement[0].Effect: must be "Allow" or "Deny"' },
    { name: 'a misspelt element', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Actions: 'a:b', Resource: '*' }] }, problem: 'Statement[0]: unknown field "Actions"' },
    { name: 'no action', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Resource: '*' }] }, problem: 'Statement[0].Action: give exactly one of Action and NotAction' },
    { name: 'an unknown condition operator', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'a:b', Resource: '*', Condition: { StringEqualz: { 'a:b': 'x' } } }] }, problem: 'Statement[0].Condition.StringEqualz: not a condition operator' },
    { name: 'no version', document: { Statement: [{ Effect: 'Allow', Action: 'a:b', Resource: '*' }] }, problem: 'Version: must be "2012-10-17"' },
  ])('refuses $name, naming the field', ({ document, problem }) => {
    let error: unknown;
    try {
      new PolicyEvaluator([document], 'policy.json');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).problems.join('\n')).toContain(problem);
  });
});
