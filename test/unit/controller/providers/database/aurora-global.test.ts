import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  DescribeDBClustersCommand,
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  RDSClient,
  SwitchoverGlobalClusterCommand,
  type GlobalCluster,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UnexpectedAnswerError } from '../../../../../controller/aws/errors.js';
import type { Config } from '../../../../../controller/config/schema.js';
import { AuroraGlobalDatabase } from '../../../../../controller/providers/database/aurora-global.js';
import { sdkError } from '../../aws/helpers.js';
import { offlineCaller } from '../helpers.js';

const rds = mockClient(RDSClient);
const cloudwatch = mockClient(CloudWatchClient);
afterEach(() => {
  rds.reset();
  cloudwatch.reset();
});

const arn = (region: string) => `arn:aws:rds:${region}:1:cluster:auth-${region}`;
const settings: Config['database'] = {
  engine: 'aurora-global',
  globalClusterIdentifier: 'auth-global',
  clusters: Object.fromEntries(
    ['us-east-1', 'us-west-2'].map((region) => [region, { arn: arn(region), writerEndpoint: `w.${region}`, readerEndpoint: `r.${region}` }]),
  ),
  endpointRecords: { hostedZoneId: 'Z1', writer: 'writer.db', readers: { 'us-east-1': 'r1.db', 'us-west-2': 'r2.db' }, ttl: 5 },
  promoteDeadline: 60_000,
};

function global(overrides: Partial<GlobalCluster> = {}): GlobalCluster {
  return {
    GlobalClusterIdentifier: 'auth-global',
    GlobalClusterMembers: [
      { DBClusterArn: arn('us-east-1'), IsWriter: true },
      { DBClusterArn: arn('us-west-2'), IsWriter: false, SynchronizationStatus: 'connected' },
    ],
    ...overrides,
  };
}

function database(databaseSettings: Config['database'] = settings) {
  const { caller, clock } = offlineCaller();
  return { db: new AuroraGlobalDatabase({ settings: databaseSettings, caller, replicaRegion: 'us-west-2', pollInterval: 500, writerTimeout: 1600 }), budget: { deadlineAt: clock.now() + 30_000 } };
}

describe('AuroraGlobalDatabase (mocked RDS and CloudWatch)', () => {
  beforeEach(() => {
    rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [{ Status: 'available', DBClusterMembers: [{ DBInstanceIdentifier: 'i-1' }] }] });
    cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'rpolag', Timestamps: [new Date(2000), new Date(3000)], Values: [900, 120] }] });
  });

  it('takes the newest lag datapoint, whatever the order of the answer', async () => {
    rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [global()] });
    const { db, budget } = database();
    await expect(db.status(budget)).resolves.toMatchObject({ writerRegion: 'us-east-1', lagMs: { 'us-west-2': 120 }, writerReachable: true, transitioning: false });
  });

  it('uses the operation source as writer while a failover has taken the writer out of the members', async () => {
    rds.on(DescribeGlobalClustersCommand).resolves({
      GlobalClusters: [
        global({
          GlobalClusterMembers: [{ DBClusterArn: arn('us-west-2'), IsWriter: false }],
          FailoverState: { Status: 'failing-over', FromDbClusterArn: arn('us-east-1'), ToDbClusterArn: arn('us-west-2'), IsDataLossAllowed: true },
        }),
      ],
    });
    const { db, budget } = database();
    await expect(db.status(budget)).resolves.toMatchObject({ writerRegion: 'us-east-1', transitioning: true });
  });

  it('names a writer the config does not list, and how to fix it', async () => {
    rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [global({ GlobalClusterMembers: [{ DBClusterArn: 'arn:aws:rds:ap-south-1:1:cluster:x', IsWriter: true }] })] });
    const { db, budget } = database();
    const failure = await db.status(budget).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UnexpectedAnswerError);
    expect((failure as Error).message).toContain('add it to the config');
  });

  it('decides an unplanned failover on the last known lag once CloudWatch stops answering', async () => {
    rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [global()] });
    const { db, budget } = database();
    await db.status(budget);
    cloudwatch.on(GetMetricDataCommand).rejects(sdkError('InternalFailure', 500));
    rds.on(DescribeDBClustersCommand).rejects(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
    rds.on(FailoverGlobalClusterCommand).resolves({});
    const result = await db.promote('us-west-2', 'unplanned', { rpoBudgetMs: 1000 }, budget);
    expect(result).toMatchObject({ changed: true, operation: 'failover' });
    expect(result.detail).toContain('last known lag 120ms');
    expect(rds.commandCalls(FailoverGlobalClusterCommand)[0]?.args[0].input).toEqual({
      GlobalClusterIdentifier: 'auth-global',
      TargetDbClusterIdentifier: arn('us-west-2'),
      AllowDataLoss: true,
    });
  });

  it('treats "already in progress" after a retried switchover as its own operation', async () => {
    rds
      .on(DescribeGlobalClustersCommand)
      .resolvesOnce({ GlobalClusters: [global()] })
      .resolves({ GlobalClusters: [global({ FailoverState: { Status: 'pending', FromDbClusterArn: arn('us-east-1'), ToDbClusterArn: arn('us-west-2') } })] });
    rds
      .on(SwitchoverGlobalClusterCommand)
      .rejectsOnce(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))
      .rejects(sdkError('InvalidGlobalClusterStateFault', 400));
    const { db, budget } = database();
    await expect(db.promote('us-west-2', 'planned', { rpoBudgetMs: 1000 }, budget)).resolves.toMatchObject({ changed: true, operation: 'switchover' });
    expect(rds.commandCalls(SwitchoverGlobalClusterCommand)).toHaveLength(2);
  });

  it('passes on a conflict that is not its own operation', async () => {
    rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [global()] });
    rds.on(SwitchoverGlobalClusterCommand).rejects(sdkError('InvalidDBClusterStateFault', 400));
    const { db, budget } = database();
    await expect(db.promote('us-west-2', 'planned', { rpoBudgetMs: 1000 }, budget)).rejects.toMatchObject({ code: 'InvalidDBClusterStateFault', transient: false });
  });

  it('reads the global cluster from another region when its own does not answer', async () => {
    rds.on(DescribeGlobalClustersCommand).callsFake(async (_input, getClient) => {
      const region = await (getClient() as RDSClient).config.region();
      if (region === 'us-west-2') throw Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
      return { GlobalClusters: [global()] };
    });
    const { db, budget } = database();
    await expect(db.status(budget)).resolves.toMatchObject({ writerRegion: 'us-east-1' });
  });

  it('compares identifiers as RDS stores them: a config in capitals finds the writer and reads lag by the lower-case id', async () => {
    rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [global()] });
    const capitals: Config['database'] = {
      ...settings,
      globalClusterIdentifier: 'Auth-Global',
      clusters: Object.fromEntries(Object.entries(settings.clusters).map(([region, c]) => [region, { ...c, arn: c.arn.replace('auth-', 'Auth-') }])),
    };
    const { db, budget } = database(capitals);
    await expect(db.status(budget)).resolves.toMatchObject({ writerRegion: 'us-east-1', lagMs: { 'us-west-2': 120 } });
    const dimensions = cloudwatch.commandCalls(GetMetricDataCommand)[0]?.args[0].input.MetricDataQueries?.[0]?.MetricStat?.Metric?.Dimensions;
    expect(dimensions).toContainEqual({ Name: 'DBClusterIdentifier', Value: 'auth-us-west-2' });
  });
});

describe('AuroraGlobalDatabase readiness without SynchronizationStatus (an optional field in the API)', () => {
  beforeEach(() => {
    rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [{ Status: 'available', DBClusterMembers: [{ DBInstanceIdentifier: 'i-1' }] }] });
  });
  const unreported = (overrides: Partial<GlobalCluster> = {}) =>
    global({ GlobalClusterMembers: [{ DBClusterArn: arn('us-east-1'), IsWriter: true }, { DBClusterArn: arn('us-west-2'), IsWriter: false }], ...overrides });
  const replicating = async () => {
    const { db, budget } = database();
    return (await db.readiness('us-west-2', budget)).find((c) => c.type === 'DatabaseTargetReplicating');
  };

  it.each([
    {
      name: 'a lag datapoint and no operation in progress: replicating, and the reason says so',
      answer: unreported(),
      lag: { MetricDataResults: [{ Id: 'rpolag', Timestamps: [new Date(3000)], Values: [150] }] },
      expected: { status: 'true', reason: 'NotReportedLagSeen', message: expect.stringContaining('lag datapoint of 150ms') },
    },
    {
      name: 'no lag datapoint: unknown',
      answer: unreported(),
      lag: { MetricDataResults: [{ Id: 'rpolag', Timestamps: [], Values: [] }] },
      expected: { status: 'unknown', reason: 'NotReported', message: expect.stringContaining('no lag datapoint') },
    },
    {
      name: 'an operation in progress (FailoverState): not ready until it finishes',
      answer: unreported({ FailoverState: { Status: 'failing-over', FromDbClusterArn: arn('us-east-1'), ToDbClusterArn: arn('us-west-2') } }),
      lag: { MetricDataResults: [{ Id: 'rpolag', Timestamps: [new Date(3000)], Values: [150] }] },
      expected: { status: 'false', reason: 'OperationInProgress', message: expect.stringContaining('failing-over') },
    },
  ])('$name', async ({ answer, lag, expected }) => {
    rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [answer] });
    cloudwatch.on(GetMetricDataCommand).resolves(lag);
    await expect(replicating()).resolves.toMatchObject(expected);
  });
});
