import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeGlobalClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import { GetHealthCheckStatusCommand, ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { GetRoutingControlStateCommand, Route53RecoveryClusterClient } from '@aws-sdk/client-route53-recovery-cluster';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CachingResolver } from '../../../sandbox/net/resolver.js';
import type { RunningSandbox } from '../../../sandbox/up.js';
import { failure, sdkOptions, startTestSandbox, until } from './support.js';

let sandbox: RunningSandbox;
let cleanup: () => Promise<void>;
const clients: { destroy(): void }[] = [];

beforeAll(async () => {
  ({ sandbox, cleanup } = await startTestSandbox());
});
afterEach(() => sandbox.faults.clear());
afterAll(async () => {
  for (const client of clients) client.destroy();
  await cleanup();
});

const track = <C extends { destroy(): void }>(client: C): C => {
  clients.push(client);
  return client;
};
const route53 = (keyRegion = 'us-east-1') => track(new Route53Client(sdkOptions(sandbox.endpoints.route53, 'us-east-1', keyRegion)));
const rds = (region: string, keyRegion = region) => track(new RDSClient(sdkOptions(sandbox.endpoints.rds, region, keyRegion)));
const arc = (index: number) => track(new Route53RecoveryClusterClient(sdkOptions(sandbox.endpoints.arc[index] ?? '', 'us-east-1')));
const describeGlobal = () => new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: 'auth-global' });
/** A Route 53 read the controller role allows (the sandbox enforces it). */
const listPrivateZone = () => new ListResourceRecordSetsCommand({ HostedZoneId: sandbox.endpoints.resources.privateZoneId });
const getControl = () => new GetRoutingControlStateCommand({ RoutingControlArn: sandbox.endpoints.resources.routingControls['us-east-1'] ?? '' });
const appUrl = (region: string) => sandbox.endpoints.regions[region]?.app ?? '';
const health = (region: string, init: { vantage?: string; timeoutMs?: number } = {}) =>
  fetch(`${appUrl(region)}/health`, { headers: init.vantage ? { 'x-fcp-vantage': init.vantage } : {}, signal: AbortSignal.timeout(init.timeoutMs ?? 3000) });
/** The connection was dropped or refused: no HTTP answer at all. */
const dropped = (error: { code?: string; name: string; message: string; cause?: unknown }) =>
  ['ECONNRESET', 'ECONNREFUSED', 'EPIPE'].includes(error.code ?? (error.cause as { code?: string } | undefined)?.code ?? '') || /socket hang up|fetch failed/.test(error.message);

describe('sandbox app faults', () => {
  it('serves every region, naming it', async () => {
    for (const region of ['us-east-1', 'us-west-2', 'eu-west-1']) {
      const response = await health(region);
      expect(response.status).toBe(200);
      expect(response.headers.get('x-fcp-region')).toBe(region);
    }
  });

  it('region down: the app refuses connections, then comes back on the same address', async () => {
    sandbox.faults.add({ kind: 'region-down', region: 'us-west-2' });
    await until(() => health('us-west-2', { timeoutMs: 1000 }).then(() => false, (e: Error) => dropped(e)), 'us-west-2 to refuse connections');
    expect((await health('us-east-1')).status).toBe(200);
    sandbox.faults.clear();
    await until(() => health('us-west-2').then((r) => r.status === 200, () => false), 'us-west-2 to serve again');
  });

  it("region down fails the region's Route 53 health check from every checker, and it recovers", async () => {
    const client = route53();
    /** Every checker's latest report starts with `prefix` (an unanswered call counts as no). */
    const everyChecker = (prefix: string) => async () => {
      const output = await client.send(new GetHealthCheckStatusCommand({ HealthCheckId: 'sandbox-hc-eu-west-1' })).catch(() => undefined);
      const reports = output?.HealthCheckObservations?.map((o) => o.StatusReport?.Status ?? '') ?? [];
      return reports.length === 8 && reports.every((status) => status.startsWith(prefix));
    };
    // GetHealthCheckStatus refills one token a second: poll at that pace.
    await until(everyChecker('Success'), 'the check to pass first', 15_000, 1000);
    sandbox.faults.add({ kind: 'region-down', region: 'eu-west-1' });
    await until(everyChecker('Failure'), 'every checker to see eu-west-1 fail', 15_000, 1000);
    sandbox.faults.clear();
    await until(everyChecker('Success'), 'every checker to see eu-west-1 again', 15_000, 1000);
  });

  it.each([
    { fault: { kind: 'app-5xx', region: 'eu-west-1' }, status: 503 },
    { fault: { kind: 'app-429', region: 'eu-west-1' }, status: 429 },
  ])('$fault.kind answers $status and clears', async ({ fault, status }) => {
    sandbox.faults.add(fault);
    expect((await health('eu-west-1')).status).toBe(status);
    expect((await health('us-east-1')).status).toBe(200);
    sandbox.faults.clear();
    expect((await health('eu-west-1')).status).toBe(200);
  });

  it('latency is added to every answer', async () => {
    sandbox.faults.add({ kind: 'app-latency', latency: '200ms' });
    const started = performance.now();
    expect((await health('us-east-1')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
  });

  it.each([{ kind: 'region-hang', region: 'us-east-1' }, { kind: 'dependency-hang' }])('$kind: accepted, never answered, until cleared', async (fault) => {
    sandbox.faults.add(fault);
    expect((await failure(health('us-east-1', { timeoutMs: 300 }))).name).toBe('TimeoutError');
    sandbox.faults.clear();
    expect((await health('us-east-1')).status).toBe(200);
  });

  it('a vantage cut drops only that vantage point\'s requests to that region', async () => {
    sandbox.faults.add({ kind: 'vantage-cut', vantage: 'us-west-2', region: 'us-east-1' });
    expect(dropped(await failure(health('us-east-1', { vantage: 'us-west-2' })))).toBe(true);
    expect((await health('us-east-1', { vantage: 'eu-west-1' })).status).toBe(200);
    expect((await health('us-west-2', { vantage: 'us-west-2' })).status).toBe(200);
    sandbox.faults.clear();
    expect((await health('us-east-1', { vantage: 'us-west-2' })).status).toBe(200);
  });
});

describe('sandbox AWS API faults (real SDK clients)', () => {
  it.each([
    { fault: { kind: 'api-throttle', service: 'route53' }, call: () => route53().send(listPrivateZone()), error: 'Throttling' },
    { fault: { kind: 'api-5xx', service: 'rds' }, call: () => rds('us-east-1').send(describeGlobal()), error: 'InternalFailure' },
    { fault: { kind: 'api-throttle', service: 'arc' }, call: () => arc(2).send(getControl()), error: 'ThrottlingException' },
  ])('$fault.kind on $fault.service raises $error, then clears', async ({ fault, call, error }) => {
    await call();
    sandbox.faults.add(fault);
    expect((await failure(call())).name).toBe(error);
    sandbox.faults.clear();
    await call();
  });

  it('api-hang: the call times out', async () => {
    sandbox.faults.add({ kind: 'api-hang', service: 'rds' });
    expect((await failure(rds('us-west-2').send(describeGlobal()))).name).toBe('TimeoutError');
    sandbox.faults.clear();
    await rds('us-west-2').send(describeGlobal());
  });

  it("credential failure hits only one region's key", async () => {
    sandbox.faults.add({ kind: 'access-denied', region: 'us-west-2' });
    expect((await failure(rds('us-west-2').send(describeGlobal()))).name).toBe('AccessDenied');
    expect((await rds('us-east-1').send(describeGlobal())).GlobalClusters?.[0]?.GlobalClusterIdentifier).toBe('auth-global');
    sandbox.faults.clear();
    sandbox.faults.add({ kind: 'expired-token', region: 'eu-west-1' });
    expect((await failure(route53('eu-west-1').send(listPrivateZone()))).name).toBe('ExpiredToken');
    await route53('us-east-1').send(listPrivateZone());
  });

  it("region down drops that region's API requests", async () => {
    sandbox.faults.add({ kind: 'region-down', region: 'eu-west-1' });
    expect(dropped(await failure(rds('eu-west-1').send(describeGlobal())))).toBe(true);
    await rds('us-west-2').send(describeGlobal());
  });

  it("region hang holds that region's API requests unanswered", async () => {
    sandbox.faults.add({ kind: 'region-hang', region: 'us-west-2' });
    expect((await failure(rds('us-west-2').send(describeGlobal()))).name).toBe('TimeoutError');
    await rds('eu-west-1').send(describeGlobal());
    sandbox.faults.clear();
    await rds('us-west-2').send(describeGlobal());
  });

  it('an ARC endpoint down fails alone; the others answer', async () => {
    sandbox.faults.add({ kind: 'arc-endpoint-down', endpoint: 0 });
    sandbox.faults.add({ kind: 'arc-endpoint-down', region: 'ap-southeast-2' });
    expect(dropped(await failure(arc(0).send(getControl())))).toBe(true);
    expect(dropped(await failure(arc(3).send(getControl())))).toBe(true);
    expect((await arc(1).send(getControl())).RoutingControlState).toBe('On');
    sandbox.faults.clear();
    expect((await arc(0).send(getControl())).RoutingControlState).toBe('On');
  });

  it('Route 53 control plane down: every API call fails while DNS still answers', async () => {
    const [host, port] = sandbox.endpoints.dns.split(':');
    const resolver = new CachingResolver({ host: host ?? '', port: Number(port), timeoutMs: 1000 });
    sandbox.faults.add({ kind: 'route53-down' });
    const error = await failure(route53().send(listPrivateZone()));
    expect(error.$metadata?.httpStatusCode).toBeGreaterThanOrEqual(500);
    expect(await resolver.resolve('login.auth.sandbox', 'A')).toEqual(['127.0.1.1']);
    expect(await resolver.resolve('reader.us-west-2.db.auth.internal', 'CNAME')).toEqual(['auth-us-west-2.cluster-ro.us-west-2.rds.sandbox']);
    sandbox.faults.clear();
    await route53().send(listPrivateZone());
  });
});

describe('sandbox store faults', () => {
  it('store down: clients cannot connect; it comes back on the same port with its data', async () => {
    const db = track(new DynamoDBClient(sdkOptions(sandbox.endpoints.dynamodb, 'us-east-1')));
    // The state table of the config: the only table the controller role lets the replica write.
    await db.send(new CreateTableCommand({
      TableName: 'fcp-state',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }));
    const put = () => db.send(new PutItemCommand({ TableName: 'fcp-state', Item: { pk: { S: 'lease' }, holder: { S: 'us-east-1' } } }));
    await until(() => put().then(() => true, () => false), 'the table to accept writes');

    sandbox.faults.add({ kind: 'store-down' });
    await until(async () => sandbox.stats().store === 'down', 'the store to go down');
    expect((await failure(db.send(new GetItemCommand({ TableName: 'fcp-state', Key: { pk: { S: 'lease' } } })))).code).toBe('ECONNREFUSED');

    sandbox.faults.clear();
    await until(async () => sandbox.stats().store === 'up', 'the store to come back');
    const item = await db.send(new GetItemCommand({ TableName: 'fcp-state', Key: { pk: { S: 'lease' } } }));
    expect(item.Item?.holder?.S).toBe('us-east-1');
  });
});
