import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import type { AwsCaller } from '../../aws/caller.js';
import type { Millis } from '../../../kernel/time.js';
import type { RegionName } from '../../domain/types.js';
import type { StepBudget } from '../../ports.js';
import { clusterIdFromArn, type ClusterDirectory } from './clusters.js';

/** How far back to look for the newest datapoint; RDS publishes cluster metrics every minute. */
const LOOKBACK_MS = 5 * 60_000;
const PERIOD_SECONDS = 60;

/**
 * Reads a secondary cluster's replication lag: CloudWatch `AWS/RDS` `AuroraGlobalDBRPOLag` (ms),
 * published in the secondary's own region, so a reader there keeps working when the writer's
 * region is down. Returns the newest datapoint, or undefined when there is none.
 */
export class ReplicationLagReader {
  constructor(
    private readonly caller: AwsCaller,
    private readonly clusters: ClusterDirectory,
  ) {}

  async lagMs(region: RegionName, budget: StepBudget): Promise<Millis | undefined> {
    const now = this.caller.clock.now();
    const answer = await this.caller.call(
      { service: 'cloudwatch', operation: 'GetMetricData', region },
      (clients, signal) =>
        clients.cloudwatch(region).send(
          new GetMetricDataCommand({
            StartTime: new Date(now - LOOKBACK_MS),
            EndTime: new Date(now),
            ScanBy: 'TimestampDescending',
            MetricDataQueries: [
              {
                Id: 'rpolag',
                ReturnData: true,
                MetricStat: {
                  Metric: {
                    Namespace: 'AWS/RDS',
                    MetricName: 'AuroraGlobalDBRPOLag',
                    Dimensions: [{ Name: 'DBClusterIdentifier', Value: clusterIdFromArn(this.clusters.arn(region)) }],
                  },
                  Period: PERIOD_SECONDS,
                  Stat: 'Maximum',
                },
              },
            ],
          }),
          { abortSignal: signal },
        ),
      budget,
    );
    const result = answer.MetricDataResults?.find((candidate) => candidate.Id === 'rpolag');
    const newest = (result?.Timestamps ?? [])
      .map((at, index) => ({ at: at.getTime(), value: result?.Values?.[index] }))
      .filter((point): point is { at: number; value: number } => typeof point.value === 'number')
      .sort((a, b) => b.at - a.at)[0];
    return newest?.value;
  }
}
