import {
  CloudWatchClient,
  CloudWatchServiceException,
  GetMetricDataCommand,
  InvalidParameterCombinationException,
  InvalidParameterValueException,
  MissingRequiredParameterException,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCloudWatchEmulator, type CloudWatchEmulator } from '../../../../sandbox/rds/cloudwatch.js';
import { createRdsEmulator, type RdsEmulator } from '../../../../sandbox/rds/index.js';
import { eventually, faultSwitch, listen, type Loopback } from './loopback.js';

/** The replication-lag metric through the real CloudWatch client. */

const EAST = 'us-east-1';
const WEST = 'us-west-2';
const arn = (region: string) => `arn:aws:rds:${region}:000000000000:cluster:auth-${region}`;

const faults = faultSwitch();
let rds: RdsEmulator;
let cloudwatch: CloudWatchEmulator;
let server: Loopback;
const clients: CloudWatchClient[] = [];

function client(region: string): CloudWatchClient {
  const created = new CloudWatchClient({
    endpoint: server.url,
    region,
    credentials: { accessKeyId: `SANDBOX-${region}`, secretAccessKey: 'sandbox-secret' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 1000, requestTimeout: 2000 }),
  });
  clients.push(created);
  return created;
}

const lagQuery = (clusterId: string, stat = 'Maximum', period = 1): MetricDataQuery => ({
  Id: 'lag',
  MetricStat: {
    Metric: { Namespace: 'AWS/RDS', MetricName: 'AuroraGlobalDBRPOLag', Dimensions: [{ Name: 'DBClusterIdentifier', Value: clusterId }] },
    Period: period,
    Stat: stat,
  },
});

function lastMinute(queries: MetricDataQuery[]) {
  const now = Date.now();
  return new GetMetricDataCommand({ StartTime: new Date(now - 60_000), EndTime: new Date(now + 1000), MetricDataQueries: queries });
}

beforeAll(async () => {
  rds = createRdsEmulator({ faults: faults.view, replicationLagMs: 100 });
  rds.seedGlobalDatabase({
    globalClusterIdentifier: 'auth-global',
    writerRegion: EAST,
    clusters: Object.fromEntries(
      [EAST, WEST].map((region) => [region, { arn: arn(region), writerEndpoint: `w.${region}`, readerEndpoint: `r.${region}` }]),
    ),
  });
  cloudwatch = createCloudWatchEmulator({ faults: faults.view, rds, sampleMs: 20 });
  server = await listen(cloudwatch.handle);
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  cloudwatch.stop();
  rds.stop();
  await server.close();
});

describe('CloudWatch emulator: AuroraGlobalDBRPOLag', () => {
  it('reports the secondary lag per period, newest first', async () => {
    // Writes that are never allowed to replicate make the lag grow past the configured 100 ms.
    rds.setReplicationLag(WEST, 60_000);
    rds.write(`w.${EAST}`, { key: 'a', value: '1' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    rds.write(`w.${EAST}`, { key: 'b', value: '2' });
    const west = client(WEST);
    const result = await eventually(async () => {
      const { MetricDataResults } = await west.send(lastMinute([lagQuery(`auth-${WEST}`)]));
      const series = MetricDataResults?.[0];
      return series?.Values && series.Values.length >= 2 ? series : undefined;
    }, 5000, 'two lag datapoints');
    expect(result).toMatchObject({ Id: 'lag', Label: 'AuroraGlobalDBRPOLag', StatusCode: 'Complete' });
    const timestamps = result.Timestamps ?? [];
    expect(timestamps).toHaveLength(result.Values?.length ?? -1);
    expect(timestamps[0]!.getTime()).toBeGreaterThan(timestamps[1]!.getTime());
    expect(timestamps[0]!.getTime() % 1000).toBe(0);
    expect(result.Values?.[0]).toBe(rds.lagMs(WEST));
    expect(result.Values?.[0]).toBeGreaterThan(100);
  });

  it.each([
    { name: 'another metric', query: { ...lagQuery(`auth-${WEST}`), MetricStat: { ...lagQuery(`auth-${WEST}`).MetricStat!, Metric: { Namespace: 'AWS/RDS', MetricName: 'CPUUtilization' } } } },
    { name: 'the writer cluster', query: lagQuery(`auth-${EAST}`) },
    { name: 'a cluster of another region', query: lagQuery(`auth-${WEST}`), region: EAST },
  ])('answers $name with an empty series', async ({ query, region }) => {
    const { MetricDataResults } = await client(region ?? WEST).send(lastMinute([query]));
    expect(MetricDataResults).toEqual([{ Id: 'lag', Label: expect.any(String), Timestamps: [], Values: [], StatusCode: 'Complete' }]);
  });

  it.each([
    { name: 'no queries', queries: [], type: InvalidParameterValueException },
    { name: 'a bad Id', queries: [{ ...lagQuery('x'), Id: 'Bad-Id' }], type: InvalidParameterValueException },
    { name: 'an unknown statistic', queries: [lagQuery('x', 'Median')], type: InvalidParameterValueException },
    { name: 'a bad period', queries: [lagQuery('x', 'Maximum', 90)], type: InvalidParameterValueException },
    { name: 'both MetricStat and Expression', queries: [{ ...lagQuery('x'), Expression: 'lag * 2' }], type: InvalidParameterCombinationException },
    { name: 'a query without Id', queries: [{ MetricStat: lagQuery('x').MetricStat }], type: MissingRequiredParameterException },
  ])('rejects $name with $type.name', async ({ queries, type }) => {
    const error = await client(WEST).send(lastMinute(queries as MetricDataQuery[])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(type);
    expect((error as CloudWatchServiceException).$metadata.httpStatusCode).toBe(400);
  });

  it('answers malformed JSON with the JSON error shape', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'x-amz-target': 'GraniteServiceVersion20100801.GetMetricData', 'content-type': 'application/x-amz-json-1.0' },
      body: '{"MetricDataQueries": [',
      signal: AbortSignal.timeout(3000),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ __type: expect.stringContaining('SerializationException'), message: expect.any(String) });
  });

  it('answers nothing in a region that is down', async () => {
    faults.regionDown(WEST, true);
    try {
      const error = await client(WEST).send(lastMinute([lagQuery(`auth-${WEST}`)])).catch((e: unknown) => e);
      expect(error).not.toBeInstanceOf(CloudWatchServiceException);
      expect((error as { code?: string }).code).toBe('ECONNRESET');
    } finally {
      faults.regionDown(WEST, false);
    }
  });
});
