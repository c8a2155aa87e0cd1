import {
  CreateDBClusterCommand,
  CreateDBInstanceCommand,
  CreateGlobalClusterCommand,
  DBClusterNotFoundFault,
  DescribeDBClustersCommand,
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  GlobalClusterNotFoundFault,
  InvalidDBClusterStateFault,
  InvalidGlobalClusterStateFault,
  RDSClient,
  RDSServiceException,
  SwitchoverGlobalClusterCommand,
  type GlobalCluster,
} from '@aws-sdk/client-rds';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRdsEmulator, type RdsEmulator } from '../../../../sandbox/rds/index.js';
import type { AwsApiFault } from '../../../../sandbox/shared/faults.js';
import { eventually, faultSwitch, listen, type Loopback } from './loopback.js';

/** Fidelity of the RDS emulator through the real AWS SDK client, on loopback. */

const EAST = 'us-east-1';
const WEST = 'us-west-2';
const EU = 'eu-west-1';
const GLOBAL = 'auth-global';
const arn = (region: string) => `arn:aws:rds:${region}:000000000000:cluster:auth-${region}`;
const host = (region: string, kind: 'cluster' | 'cluster-ro') => `auth-${region}.${kind}.${region}.rds.sandbox`;

const faults = faultSwitch();
let server: Loopback;
let rds: RdsEmulator;
const clients = new Map<string, RDSClient>();

function client(region: string): RDSClient {
  let existing = clients.get(region);
  if (!existing) {
    existing = new RDSClient({
      endpoint: server.url,
      region,
      credentials: { accessKeyId: `SANDBOX-${region}`, secretAccessKey: 'sandbox-secret' },
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler({ connectionTimeout: 1000, requestTimeout: 1500 }),
    });
    clients.set(region, existing);
  }
  return existing;
}

async function describeGlobal(): Promise<GlobalCluster> {
  const { GlobalClusters } = await client(WEST).send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: GLOBAL }));
  const global = GlobalClusters?.[0];
  if (!global) throw new Error('no global cluster described');
  return global;
}

const writerOf = (global: GlobalCluster) => global.GlobalClusterMembers?.find((m) => m.IsWriter)?.DBClusterArn;

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error,
  );
}

// A fresh world per test: the handler is swapped behind one server.
let handler: RdsEmulator['handle'] = () => undefined;

beforeAll(async () => {
  server = await listen((req, res) => handler(req, res));
});

afterAll(async () => {
  for (const c of clients.values()) c.destroy();
  await server.close();
});

beforeEach(() => {
  faults.clear();
  rds = createRdsEmulator({ faults: faults.view, replicationLagMs: 50, switchoverBaseMs: 150, failoverBaseMs: 150, resyncMs: 100, tickMs: 10 });
  handler = rds.handle;
  rds.seedGlobalDatabase({
    globalClusterIdentifier: GLOBAL,
    writerRegion: EAST,
    clusters: {
      [EAST]: { arn: arn(EAST), writerEndpoint: host(EAST, 'cluster'), readerEndpoint: host(EAST, 'cluster-ro') },
      [WEST]: { arn: arn(WEST), writerEndpoint: host(WEST, 'cluster'), readerEndpoint: host(WEST, 'cluster-ro') },
      [EU]: { arn: arn(EU), writerEndpoint: host(EU, 'cluster'), readerEndpoint: host(EU, 'cluster-ro'), instances: 0 },
    },
  });
});

afterEach(() => rds.stop());

describe('RDS emulator: describe calls', () => {
  it('describes the global cluster with its members, writer and endpoint', async () => {
    const global = await describeGlobal();
    expect(global).toMatchObject({ GlobalClusterIdentifier: GLOBAL, Status: 'available', Engine: 'aurora-postgresql', Endpoint: 'auth-global.global.rds.sandbox' });
    expect(global.FailoverState).toBeUndefined();
    expect(global.GlobalClusterMembers).toEqual([
      { DBClusterArn: arn(EAST), Readers: [arn(WEST), arn(EU)], IsWriter: true, GlobalWriteForwardingStatus: 'disabled', SynchronizationStatus: 'connected' },
      { DBClusterArn: arn(WEST), Readers: [], IsWriter: false, GlobalWriteForwardingStatus: 'disabled', SynchronizationStatus: 'connected' },
      { DBClusterArn: arn(EU), Readers: [], IsWriter: false, GlobalWriteForwardingStatus: 'disabled', SynchronizationStatus: 'connected' },
    ]);
    const all = await client(EU).send(new DescribeGlobalClustersCommand({}));
    expect(all.GlobalClusters?.map((g) => g.GlobalClusterIdentifier)).toEqual([GLOBAL]);
    const filtered = await client(EU).send(new DescribeGlobalClustersCommand({ Filters: [{ Name: 'db-cluster-id', Values: ['no-such-cluster'] }] }));
    expect(filtered.GlobalClusters).toEqual([]);
  });

  it.each([
    { by: 'identifier', id: `auth-${WEST}` },
    { by: 'ARN', id: arn(WEST) },
  ])('describes a cluster of the caller region by $by', async ({ id }) => {
    const { DBClusters } = await client(WEST).send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }));
    expect(DBClusters).toHaveLength(1);
    expect(DBClusters?.[0]).toMatchObject({
      DBClusterIdentifier: `auth-${WEST}`,
      DBClusterArn: arn(WEST),
      Status: 'available',
      Endpoint: host(WEST, 'cluster'),
      ReaderEndpoint: host(WEST, 'cluster-ro'),
      GlobalClusterIdentifier: GLOBAL,
      ReplicationSourceIdentifier: arn(EAST),
      DBClusterMembers: [{ DBInstanceIdentifier: `auth-${WEST}-1`, IsClusterWriter: false }],
    });
  });

  it('lists only the caller region clusters, and does not find another region by ARN', async () => {
    const { DBClusters } = await client(EAST).send(new DescribeDBClustersCommand({}));
    expect(DBClusters?.map((c) => c.DBClusterIdentifier)).toEqual([`auth-${EAST}`]);
    expect(DBClusters?.[0]?.DBClusterMembers?.[0]?.IsClusterWriter).toBe(true);
    expect(await rejection(client(EAST).send(new DescribeDBClustersCommand({ DBClusterIdentifier: arn(WEST) })))).toBeInstanceOf(DBClusterNotFoundFault);
  });
});

describe('RDS emulator: identifier case', () => {
  it('takes identifiers and ARNs in any case and answers them in lower case, as RDS stores them', async () => {
    const { GlobalClusters } = await client(WEST).send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: 'Auth-GLOBAL' }));
    expect(GlobalClusters?.[0]?.GlobalClusterIdentifier).toBe(GLOBAL);
    const { DBClusters } = await client(WEST).send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'arn:aws:rds:us-west-2:000000000000:cluster:Auth-US-WEST-2' }));
    expect(DBClusters?.[0]?.DBClusterArn).toBe(arn(WEST));
    const { GlobalCluster } = await client(EAST).send(new CreateGlobalClusterCommand({ GlobalClusterIdentifier: 'Billing-Global', Engine: 'aurora-postgresql' }));
    expect(GlobalCluster).toMatchObject({ GlobalClusterIdentifier: 'billing-global', GlobalClusterArn: 'arn:aws:rds::000000000000:global-cluster:billing-global' });
    const { DBCluster } = await client(EAST).send(new CreateDBClusterCommand({ DBClusterIdentifier: 'Billing-East', Engine: 'aurora-postgresql', GlobalClusterIdentifier: 'BILLING-global' }));
    expect(DBCluster).toMatchObject({ DBClusterIdentifier: 'billing-east', DBClusterArn: 'arn:aws:rds:us-east-1:000000000000:cluster:billing-east', GlobalClusterIdentifier: 'billing-global' });
  });

  it('seeds a config that names identifiers in capitals as RDS would store them', () => {
    const upper = createRdsEmulator({ faults: faults.view });
    try {
      upper.seedGlobalDatabase({ globalClusterIdentifier: 'Shop-Global', writerRegion: EAST, clusters: { [EAST]: { arn: 'arn:aws:rds:us-east-1:000000000000:cluster:Shop-East', writerEndpoint: 'w', readerEndpoint: 'r' } } });
      expect(upper.writerRegion('SHOP-GLOBAL')).toBe(EAST);
      expect(upper.writerRegion('shop-global')).toBe(EAST);
    } finally {
      upper.stop();
    }
  });
});

describe('RDS emulator: switchover and failover', () => {
  it('switches over: FailoverState appears then clears, IsWriter flips, the writer endpoint follows', async () => {
    // The target lags far behind until released below, so the switchover cannot finish early.
    rds.setReplicationLag(WEST, 60_000);
    rds.write(host(EAST, 'cluster'), { key: 'user-1', value: 'alice' });
    const { GlobalCluster } = await client(WEST).send(new SwitchoverGlobalClusterCommand({ GlobalClusterIdentifier: GLOBAL, TargetDbClusterIdentifier: arn(WEST) }));
    // RDS verifies both clusters first (`pending`); the phases that follow are checked on a manual clock in global-database.test.ts.
    expect(GlobalCluster?.FailoverState).toEqual({ Status: 'pending', FromDbClusterArn: arn(EAST), ToDbClusterArn: arn(WEST), IsDataLossAllowed: false });
    const during = await client(WEST).send(new DescribeDBClustersCommand({ DBClusterIdentifier: arn(WEST) }));
    expect(during.DBClusters?.[0]?.Status).toBe('failing-over');
    expect(writerOf(await describeGlobal())).toBe(arn(EAST));
    rds.setReplicationLag(WEST, 0);

    const after = await eventually(async () => {
      const global = await describeGlobal();
      return global.FailoverState === undefined ? global : undefined;
    }, 5000, 'the switchover to finish');
    expect(writerOf(after)).toBe(arn(WEST));
    expect(after.Status).toBe('available');
    expect(rds.resolveEndpoint('auth-global.global.rds.sandbox')).toBe(host(WEST, 'cluster'));
    expect(rds.read('auth-global.global.rds.sandbox', 'user-1')).toBe('alice');
    expect(rds.stats().writesLost).toBe(0);
    const { DBClusters } = await client(EAST).send(new DescribeDBClustersCommand({ DBClusterIdentifier: `auth-${EAST}` }));
    expect(DBClusters?.[0]).toMatchObject({ Status: 'available', ReplicationSourceIdentifier: arn(WEST) });
  });

  it('a failover with AllowDataLoss loses exactly the unreplicated writes (a switchover, above, loses none)', async () => {
    rds.write(host(EAST, 'cluster'), { key: 'early', value: '1' });
    await eventually(() => rds.read(host(WEST, 'cluster-ro'), 'early'), 2000, 'replication to us-west-2');
    rds.setReplicationLag(WEST, 60_000);
    rds.write(host(EAST, 'cluster'), { key: 'late-1', value: '2' });
    rds.write(host(EAST, 'cluster'), { key: 'late-2', value: '3' });
    faults.regionDown(EAST, true);

    const { GlobalCluster } = await client(WEST).send(
      new FailoverGlobalClusterCommand({ GlobalClusterIdentifier: GLOBAL, TargetDbClusterIdentifier: arn(WEST), AllowDataLoss: true }),
    );
    expect(GlobalCluster?.FailoverState).toMatchObject({ Status: 'pending', IsDataLossAllowed: true });
    const after = await eventually(async () => {
      const global = await describeGlobal();
      return global.FailoverState === undefined ? global : undefined;
    }, 5000, 'the failover to finish');
    expect(writerOf(after)).toBe(arn(WEST));
    expect(after.GlobalClusterMembers?.find((m) => m.DBClusterArn === arn(EAST))?.SynchronizationStatus).toBe('pending-resync');
    expect(rds.read(host(WEST, 'cluster'), 'early')).toBe('1');
    expect(rds.read(host(WEST, 'cluster'), 'late-1')).toBeUndefined();
    expect(rds.stats()).toMatchObject({ writesCommitted: 3, writesLost: 2 });
  });

  it('refuses a switchover while the primary region is down, but fails over with AllowDataLoss', async () => {
    faults.regionDown(EAST, true);
    const error = await rejection(client(WEST).send(new SwitchoverGlobalClusterCommand({ GlobalClusterIdentifier: GLOBAL, TargetDbClusterIdentifier: arn(WEST) })));
    expect(error).toBeInstanceOf(InvalidGlobalClusterStateFault);
    expect((error as Error).message).toMatch(/AllowDataLoss/);
    await client(WEST).send(new FailoverGlobalClusterCommand({ GlobalClusterIdentifier: GLOBAL, TargetDbClusterIdentifier: arn(WEST), AllowDataLoss: true }));
    await eventually(() => (rds.writerRegion(GLOBAL) === WEST ? true : undefined), 5000, 'us-west-2 to become the writer');
  });

  it('answers nothing for requests scoped to a region that is down', async () => {
    faults.regionDown(EAST, true);
    const error = await rejection(client(EAST).send(new DescribeDBClustersCommand({})));
    expect(error).not.toBeInstanceOf(RDSServiceException);
    expect(rds.callCounts()).toEqual({});
  });
});

describe('RDS emulator: errors', () => {
  const switchover = (target: string, global = GLOBAL) =>
    client(WEST).send(new SwitchoverGlobalClusterCommand({ GlobalClusterIdentifier: global, TargetDbClusterIdentifier: target }));

  it.each([
    { name: 'unknown global cluster', call: () => switchover(arn(WEST), 'nope'), type: GlobalClusterNotFoundFault, status: 404 },
    { name: 'unknown target cluster', call: () => switchover(arn(WEST).replace('auth-us-west-2', 'nope')), type: DBClusterNotFoundFault, status: 404 },
    { name: 'target already the writer', call: () => switchover(arn(EAST)), type: InvalidGlobalClusterStateFault, status: 400 },
    { name: 'headless target', call: () => switchover(arn(EU)), type: InvalidDBClusterStateFault, status: 400 },
    {
      name: 'describing an unknown global cluster',
      call: () => client(WEST).send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: 'nope' })),
      type: GlobalClusterNotFoundFault,
      status: 404,
    },
  ])('$name -> $type.name', async ({ call, type, status }) => {
    const error = await rejection(call());
    expect(error).toBeInstanceOf(type);
    expect((error as RDSServiceException).$metadata.httpStatusCode).toBe(status);
  });

  it('refuses a second operation while one is in progress, and changes nothing', async () => {
    rds.setReplicationLag(WEST, 60_000);
    rds.write(host(EAST, 'cluster'), { key: 'k', value: 'v' }); // the switchover waits for this write
    await switchover(arn(WEST));
    const error = await rejection(
      client(WEST).send(new FailoverGlobalClusterCommand({ GlobalClusterIdentifier: GLOBAL, TargetDbClusterIdentifier: arn(WEST), AllowDataLoss: true })),
    );
    expect(error).toBeInstanceOf(InvalidGlobalClusterStateFault);
    expect((await describeGlobal()).FailoverState?.ToDbClusterArn).toBe(arn(WEST));
    expect(rds.callCounts()).toMatchObject({ SwitchoverGlobalCluster: 1, FailoverGlobalCluster: 1 });
  });

  it('refuses AllowDataLoss together with Switchover', async () => {
    const error = await rejection(
      client(WEST).send(
        new FailoverGlobalClusterCommand({ GlobalClusterIdentifier: GLOBAL, TargetDbClusterIdentifier: arn(WEST), AllowDataLoss: true, Switchover: true }),
      ),
    );
    expect((error as RDSServiceException).name).toBe('InvalidParameterCombination');
  });

  const signed = { 'content-type': 'application/x-www-form-urlencoded', authorization: `AWS4-HMAC-SHA256 Credential=AK/20260101/${WEST}/rds/aws4_request` };
  it.each([
    { name: 'no Action', body: 'Version=2014-10-31', code: 'InvalidAction', status: 400 },
    { name: 'an unknown Action', body: 'Action=DeleteEverything&Version=2014-10-31', code: 'InvalidAction', status: 400 },
    { name: 'an inherited property name as Action', body: 'Action=constructor&Version=2014-10-31', code: 'InvalidAction', status: 400 },
    { name: 'no Version', body: 'Action=DescribeDBClusters', code: 'MissingParameter', status: 400 },
    { name: 'a missing required parameter', body: 'Action=SwitchoverGlobalCluster&Version=2014-10-31&GlobalClusterIdentifier=auth-global', code: 'MissingParameter', status: 400 },
    { name: 'a bad boolean', body: `Action=FailoverGlobalCluster&Version=2014-10-31&GlobalClusterIdentifier=g&TargetDbClusterIdentifier=t&AllowDataLoss=maybe`, code: 'InvalidParameterValue', status: 400 },
    { name: 'an unknown filter', body: 'Action=DescribeDBClusters&Version=2014-10-31&Filters.Filter.1.Name=color&Filters.Filter.1.Values.Value.1=red', code: 'InvalidParameterValue', status: 400 },
    { name: 'MaxRecords out of range', body: 'Action=DescribeDBClusters&Version=2014-10-31&MaxRecords=5', code: 'InvalidParameterValue', status: 400 },
    { name: 'garbage', body: '%%%&&&==\u0000', code: 'InvalidAction', status: 400 },
  ])('answers $name with $code XML', async ({ body, code, status }) => {
    const response = await fetch(server.url, { method: 'POST', headers: signed, body, signal: AbortSignal.timeout(3000) });
    expect(response.status).toBe(status);
    const xml = await response.text();
    expect(xml).toContain('<ErrorResponse');
    expect(xml).toContain(`<Code>${code}</Code>`);
    expect(xml).toContain('<RequestId>');
  });

  it('asks for credentials when the request is not signed', async () => {
    const response = await fetch(server.url, { method: 'POST', body: 'Action=DescribeDBClusters&Version=2014-10-31', signal: AbortSignal.timeout(3000) });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('<Code>MissingAuthenticationToken</Code>');
  });
});

describe('RDS emulator: injected faults', () => {
  it.each<{ fault: AwsApiFault; name: string; status: number }>([
    { fault: { kind: 'throttle' }, name: 'Throttling', status: 400 },
    { fault: { kind: 'server-error' }, name: 'InternalFailure', status: 500 },
    { fault: { kind: 'access-denied' }, name: 'AccessDenied', status: 403 },
    { fault: { kind: 'expired-token' }, name: 'ExpiredToken', status: 403 },
  ])('renders $fault.kind as $name ($status)', async ({ fault, name, status }) => {
    faults.set('rds', fault);
    const error = await rejection(client(WEST).send(new DescribeGlobalClustersCommand({})));
    expect(error).toBeInstanceOf(RDSServiceException);
    expect((error as RDSServiceException).name).toBe(name);
    expect((error as RDSServiceException).$metadata.httpStatusCode).toBe(status);
    expect(rds.callCounts()).toEqual({});
  });

  it.each<{ fault: AwsApiFault }>([{ fault: { kind: 'hang' } }, { fault: { kind: 'down' } }])('gives no answer for $fault.kind', async ({ fault }) => {
    faults.set('rds', fault);
    const error = await rejection(client(WEST).send(new DescribeGlobalClustersCommand({}), { abortSignal: AbortSignal.timeout(500) }));
    expect(error).not.toBeInstanceOf(RDSServiceException);
    // hang: our deadline aborts the call; down: the connection is dropped (`socket hang up`).
    if (fault.kind === 'hang') expect((error as Error).name).toBe('AbortError');
    else expect((error as { code?: string }).code).toBe('ECONNRESET');
  });
});

describe('RDS emulator: creating a global database through the API', () => {
  it('creates a global cluster, a primary and a secondary, and refuses the secondary until it has an instance', async () => {
    const east = client(EAST);
    const west = client(WEST);
    await east.send(new CreateGlobalClusterCommand({ GlobalClusterIdentifier: 'orders', Engine: 'aurora-postgresql' }));
    const primary = await east.send(new CreateDBClusterCommand({ DBClusterIdentifier: 'orders-east', Engine: 'aurora-postgresql', GlobalClusterIdentifier: 'orders' }));
    await east.send(new CreateDBInstanceCommand({ DBInstanceIdentifier: 'orders-east-1', DBInstanceClass: 'db.r6g.large', Engine: 'aurora-postgresql', DBClusterIdentifier: 'orders-east' }));
    const secondary = await west.send(new CreateDBClusterCommand({ DBClusterIdentifier: 'orders-west', Engine: 'aurora-postgresql', GlobalClusterIdentifier: 'orders' }));
    expect(primary.DBCluster?.DBClusterArn).toBe('arn:aws:rds:us-east-1:000000000000:cluster:orders-east');
    expect(secondary.DBCluster?.ReplicationSourceIdentifier).toBe(primary.DBCluster?.DBClusterArn);

    const target = secondary.DBCluster?.DBClusterArn;
    const headless = await rejection(west.send(new SwitchoverGlobalClusterCommand({ GlobalClusterIdentifier: 'orders', TargetDbClusterIdentifier: target })));
    expect(headless).toBeInstanceOf(InvalidDBClusterStateFault);

    const { DBInstance } = await west.send(
      new CreateDBInstanceCommand({ DBInstanceIdentifier: 'orders-west-1', DBInstanceClass: 'db.r6g.large', Engine: 'aurora-postgresql', DBClusterIdentifier: 'orders-west' }),
    );
    expect(DBInstance).toMatchObject({ DBInstanceStatus: 'available', DBClusterIdentifier: 'orders-west' });
    await west.send(new SwitchoverGlobalClusterCommand({ GlobalClusterIdentifier: 'orders', TargetDbClusterIdentifier: target }));
    await eventually(() => (rds.writerRegion('orders') === WEST ? true : undefined), 5000, 'the switchover to finish');

    const duplicate = await rejection(east.send(new CreateGlobalClusterCommand({ GlobalClusterIdentifier: 'orders' })));
    expect((duplicate as RDSServiceException).name).toBe('GlobalClusterAlreadyExistsFault');
    const stranger = await rejection(west.send(new CreateDBClusterCommand({ DBClusterIdentifier: 'x', Engine: 'aurora-mysql', GlobalClusterIdentifier: 'orders' })));
    expect((stranger as RDSServiceException).name).toBe('InvalidParameterCombination');
  });
});
