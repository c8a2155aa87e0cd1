import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { IAMClient, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { DescribeGlobalClustersCommand, FailoverGlobalClusterCommand, RDSClient, SwitchoverGlobalClusterCommand } from '@aws-sdk/client-rds';
import { ChangeResourceRecordSetsCommand, ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { GetRoutingControlStateCommand, Route53RecoveryClusterClient, UpdateRoutingControlStatesCommand } from '@aws-sdk/client-route53-recovery-cluster';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createArcCluster, type ArcCluster } from '../../../../sandbox/arc/index.js';
import { createIamEmulator, type IamEmulator } from '../../../../sandbox/iam/api.js';
import { PolicyEvaluator } from '../../../../sandbox/iam/evaluator.js';
import { IamGate } from '../../../../sandbox/iam/gate.js';
import { createCloudWatchEmulator, createRdsEmulator, type CloudWatchEmulator, type RdsEmulator } from '../../../../sandbox/rds/index.js';
import { createRoute53Emulator, type Route53Emulator } from '../../../../sandbox/route53/index.js';
import { NO_FAULTS } from '../../../../sandbox/shared/faults.js';
import { EmbeddedStore } from '../../../../sandbox/store/dynalite.js';
import { listen, type Loopback } from '../rds/loopback.js';

/** Every emulated API refuses what the caller's policy does not allow, in its own protocol's AccessDenied. */

const ROLE = 'arn:aws:iam::000000000000:role/auth-us-east-1-controller';
const KEY = 'SANDBOX-us-east-1';
const CONTROL = (region: string) => `arn:aws:route53-recovery-control::000000000000:controlpanel/sandbox/routingcontrol/${region}`;
const CLUSTER = (region: string) => `arn:aws:rds:${region}:000000000000:cluster:auth-${region}`;
const GLOBAL = 'arn:aws:rds::000000000000:global-cluster:auth-global';

const policy = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: ['route53:ListResourceRecordSets'], Resource: ['arn:aws:route53:::hostedzone/ZPRIVATE'] },
    { Effect: 'Allow', Action: ['route53-recovery-cluster:GetRoutingControlState'], Resource: [CONTROL('us-east-1'), CONTROL('us-west-2')] },
    { Effect: 'Allow', Action: ['route53-recovery-cluster:UpdateRoutingControlStates'], Resource: [CONTROL('us-east-1'), CONTROL('us-west-2')], Condition: { BoolIfExists: { 'route53-recovery-cluster:AllowSafetyRulesOverrides': ['false'] } } },
    { Effect: 'Allow', Action: ['rds:DescribeGlobalClusters'], Resource: [GLOBAL] },
    { Effect: 'Allow', Action: ['rds:FailoverGlobalCluster'], Resource: [GLOBAL, CLUSTER('us-west-2')] },
    { Effect: 'Allow', Action: ['iam:SimulatePrincipalPolicy'], Resource: [ROLE] },
    { Effect: 'Allow', Action: ['dynamodb:PutItem'], Resource: ['arn:aws:dynamodb:us-east-1:000000000000:table/fcp-state'] },
  ],
};

const gate = new IamGate([{ accessKeyId: KEY, roleArn: ROLE, policy: new PolicyEvaluator([policy], 'test') }]);
const credentials = { accessKeyId: KEY, secretAccessKey: 'sandbox-secret' };
const servers: Loopback[] = [];
let route53: Route53Emulator;
let rds: RdsEmulator;
let cloudwatch: CloudWatchEmulator;
let arc: ArcCluster;
let iam: IamEmulator;
let store: EmbeddedStore;
const storeDir = mkdtempSync(join(tmpdir(), 'fcp-iam-store-'));
const urls: Record<string, string> = {};

beforeAll(async () => {
  route53 = createRoute53Emulator({ iam: gate, propagationDelayMs: 0, throttle: false });
  route53.seedHostedZone({ id: 'ZPRIVATE', name: 'db.internal', vpc: { region: 'us-east-1', id: 'vpc-1' } });
  route53.seedHostedZone({ id: 'ZPUBLIC', name: 'example.com' });
  rds = createRdsEmulator({ faults: NO_FAULTS, iam: gate, switchoverBaseMs: 60_000, failoverBaseMs: 60_000 });
  rds.seedGlobalDatabase({
    globalClusterIdentifier: 'auth-global',
    writerRegion: 'us-east-1',
    clusters: Object.fromEntries(['us-east-1', 'us-west-2'].map((region) => [region, { arn: CLUSTER(region), writerEndpoint: `w.${region}`, readerEndpoint: `r.${region}` }])),
  });
  cloudwatch = createCloudWatchEmulator({ faults: NO_FAULTS, rds, iam: gate });
  arc = createArcCluster({ faults: NO_FAULTS, iam: gate, endpointCount: 1 });
  arc.seedRegionControls({ 'us-east-1': CONTROL('us-east-1'), 'us-west-2': CONTROL('us-west-2') }, 'us-east-1');
  iam = createIamEmulator({ faults: NO_FAULTS, gate });
  store = new EmbeddedStore({ host: '127.0.0.1', port: 0, dataDir: storeDir, iam: { gate, account: '000000000000' } });
  await store.start();
  urls.dynamodb = store.url;
  const db = new DynamoDBClient(options('dynamodb'));
  for (const table of ['fcp-state', 'other']) {
    await db.send(new CreateTableCommand({ TableName: table, KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' }));
  }
  for (const [name, handle] of Object.entries({ route53: route53.handle, rds: rds.handle, cloudwatch: cloudwatch.handle, arc: arc.endpoints[0]!, iam: iam.handle })) {
    const server = await listen(handle);
    servers.push(server);
    urls[name] = server.url;
  }
});

afterAll(async () => {
  route53.stop();
  rds.stop();
  cloudwatch.stop();
  arc.stop();
  iam.stop();
  await store.close();
  rmSync(storeDir, { recursive: true, force: true });
  await Promise.all(servers.map((s) => s.close()));
});

const options = (service: string, region = 'us-east-1') => ({ endpoint: urls[service], region, credentials, maxAttempts: 1 });

/** dynalite makes a new table ACTIVE after a moment: retry the first write until it is. */
async function eventuallyActive<T>(call: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (Date.now() > deadline || (error as Error).name === 'AccessDeniedException') throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

async function refusal(call: Promise<unknown>): Promise<{ name: string; status: number | undefined; message: string }> {
  const error = (await call.then(() => undefined, (caught: unknown) => caught)) as { name: string; message: string; $metadata?: { httpStatusCode?: number } } | undefined;
  if (!error) throw new Error('expected the call to be refused');
  return { name: error.name, status: error.$metadata?.httpStatusCode, message: error.message };
}

describe('IAM enforcement in each emulated protocol', () => {
  it.each([
    {
      protocol: 'Route 53 (REST-XML): a change the policy does not allow',
      allowed: () => new Route53Client(options('route53')).send(new ListResourceRecordSetsCommand({ HostedZoneId: 'ZPRIVATE' })),
      refused: () => new Route53Client(options('route53')).send(new ChangeResourceRecordSetsCommand({ HostedZoneId: 'ZPRIVATE', ChangeBatch: { Changes: [{ Action: 'UPSERT', ResourceRecordSet: { Name: 'writer.db.internal', Type: 'CNAME', TTL: 5, ResourceRecords: [{ Value: 'x' }] } }] } })),
      action: 'route53:ChangeResourceRecordSets',
      resource: 'arn:aws:route53:::hostedzone/ZPRIVATE',
    },
    {
      protocol: 'Route 53 (REST-XML): a read of a zone outside the policy',
      allowed: () => new Route53Client(options('route53')).send(new ListResourceRecordSetsCommand({ HostedZoneId: 'ZPRIVATE' })),
      refused: () => new Route53Client(options('route53')).send(new ListResourceRecordSetsCommand({ HostedZoneId: 'ZPUBLIC' })),
      action: 'route53:ListResourceRecordSets',
      resource: 'arn:aws:route53:::hostedzone/ZPUBLIC',
    },
    {
      protocol: 'RDS (Query XML): a switchover the policy does not allow',
      allowed: () => new RDSClient(options('rds', 'us-west-2')).send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: 'Auth-Global' })),
      refused: () => new RDSClient(options('rds', 'us-west-2')).send(new SwitchoverGlobalClusterCommand({ GlobalClusterIdentifier: 'auth-global', TargetDbClusterIdentifier: CLUSTER('us-west-2') })),
      action: 'rds:SwitchoverGlobalCluster',
      resource: GLOBAL,
    },
    {
      protocol: 'RDS (Query XML): a failover to a cluster outside the policy',
      allowed: () => new RDSClient(options('rds', 'us-west-2')).send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: 'auth-global' })),
      refused: () => new RDSClient(options('rds', 'us-east-1')).send(new FailoverGlobalClusterCommand({ GlobalClusterIdentifier: 'auth-global', TargetDbClusterIdentifier: CLUSTER('us-east-1'), AllowDataLoss: true })),
      action: 'rds:FailoverGlobalCluster',
      resource: CLUSTER('us-east-1'),
    },
    {
      protocol: 'ARC (JSON 1.0): an update that overrides safety rules',
      allowed: () => new Route53RecoveryClusterClient(options('arc')).send(new GetRoutingControlStateCommand({ RoutingControlArn: CONTROL('us-west-2') })),
      refused: () => new Route53RecoveryClusterClient(options('arc')).send(new UpdateRoutingControlStatesCommand({ UpdateRoutingControlStateEntries: [{ RoutingControlArn: CONTROL('us-west-2'), RoutingControlState: 'On' }], SafetyRulesToOverride: ['arn:aws:route53-recovery-control::000000000000:controlpanel/sandbox/safetyrule/x'] })),
      action: 'route53-recovery-cluster:UpdateRoutingControlStates',
      resource: CONTROL('us-west-2'),
    },
    {
      protocol: 'CloudWatch (JSON): a metric read the policy does not allow',
      allowed: () => new RDSClient(options('rds', 'us-west-2')).send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: 'auth-global' })),
      refused: () => new CloudWatchClient(options('cloudwatch', 'us-west-2')).send(new GetMetricDataCommand({ StartTime: new Date(0), EndTime: new Date(), MetricDataQueries: [{ Id: 'lag', MetricStat: { Metric: { Namespace: 'AWS/RDS', MetricName: 'AuroraGlobalDBRPOLag' }, Period: 60, Stat: 'Maximum' } }] })),
      action: 'cloudwatch:GetMetricData',
      resource: '*',
    },
    {
      protocol: 'DynamoDB (JSON 1.0): a write to a table outside the policy',
      allowed: () => eventuallyActive(() => new DynamoDBClient(options('dynamodb')).send(new PutItemCommand({ TableName: 'fcp-state', Item: { pk: { S: 'lease' } } }))),
      refused: () => new DynamoDBClient(options('dynamodb')).send(new PutItemCommand({ TableName: 'other', Item: { pk: { S: 'lease' } } })),
      action: 'dynamodb:PutItem',
      resource: 'arn:aws:dynamodb:us-east-1:000000000000:table/other',
      // DynamoDB answers AccessDeniedException with 400, not 403.
      status: 400,
    },
    {
      protocol: 'IAM (Query XML): simulating another principal',
      allowed: () => new IAMClient(options('iam')).send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: ROLE, ActionNames: ['rds:DescribeGlobalClusters'], ResourceArns: [GLOBAL] })),
      refused: () => new IAMClient(options('iam')).send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: 'arn:aws:iam::000000000000:role/admin', ActionNames: ['rds:DescribeGlobalClusters'] })),
      action: 'iam:SimulatePrincipalPolicy',
      resource: 'arn:aws:iam::000000000000:role/admin',
    },
  ])('$protocol', async ({ allowed, refused, action, resource, status }) => {
    await allowed();
    const error = await refusal(refused());
    expect(error.name).toMatch(/^AccessDenied(Exception)?$/);
    expect(error.status).toBe(status ?? 403);
    expect(error.message).toBe(
      `User: arn:aws:sts::000000000000:assumed-role/auth-us-east-1-controller/fcp is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`,
    );
  });

  it('refuses a key the sandbox does not know', async () => {
    const stranger = new RDSClient({ ...options('rds'), credentials: { accessKeyId: 'SOMEONE', secretAccessKey: 'x' } });
    expect((await refusal(stranger.send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: 'auth-global' })))).message).toMatch(/^User: SOMEONE is not authorized/);
  });

  it('simulates a principal with the same evaluator: each action on each resource, and tells the caller who it is', async () => {
    const client = new IAMClient(options('iam'));
    const answer = await client.send(new SimulatePrincipalPolicyCommand({
      PolicySourceArn: ROLE,
      ActionNames: ['route53-recovery-cluster:UpdateRoutingControlStates', 'rds:SwitchoverGlobalCluster'],
      ResourceArns: [CONTROL('us-west-2')],
      ContextEntries: [{ ContextKeyName: 'route53-recovery-cluster:AllowSafetyRulesOverrides', ContextKeyType: 'boolean', ContextKeyValues: ['false'] }],
    }));
    expect(answer.EvaluationResults?.map((r) => [r.EvalActionName, r.EvalResourceName, r.EvalDecision])).toEqual([
      ['route53-recovery-cluster:UpdateRoutingControlStates', CONTROL('us-west-2'), 'allowed'],
      ['rds:SwitchoverGlobalCluster', CONTROL('us-west-2'), 'implicitDeny'],
    ]);
    const several = await client.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: ROLE, ActionNames: ['rds:FailoverGlobalCluster'], ResourceArns: [GLOBAL, CLUSTER('us-east-1')] }));
    expect(several.EvaluationResults?.[0]?.EvalDecision).toBe('implicitDeny');
    expect(several.EvaluationResults?.[0]?.ResourceSpecificResults?.map((r) => [r.EvalResourceName, r.EvalResourceDecision])).toEqual([[GLOBAL, 'allowed'], [CLUSTER('us-east-1'), 'implicitDeny']]);
    const identity = await new STSClient(options('iam')).send(new GetCallerIdentityCommand({}));
    expect(identity).toMatchObject({ Arn: 'arn:aws:sts::000000000000:assumed-role/auth-us-east-1-controller/fcp', Account: '000000000000' });
  });
});
