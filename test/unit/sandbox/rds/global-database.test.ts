import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../../../kernel/errors.js';
import { createRdsEmulator, RdsDataError, type RdsEmulator } from '../../../../sandbox/rds/index.js';
import { faultSwitch, listen, type FaultSwitch } from './loopback.js';

/**
 * The replication and data model on a manual clock: exact, machine-speed independent answers to
 * "what does a failover lose" and "how long does a switchover take".
 */

const EAST = 'us-east-1';
const WEST = 'us-west-2';
const EU = 'eu-west-1';
const host = (region: string, kind: 'cluster' | 'cluster-ro') => `auth-${region}.${kind}.${region}.rds.sandbox`;

function seeded(faults: FaultSwitch, clock: () => number, headless: string[] = []): RdsEmulator {
  const rds = createRdsEmulator({ faults: faults.view, clock, replicationLagMs: 200, switchoverBaseMs: 1000, failoverBaseMs: 500, resyncMs: 300 });
  rds.seedGlobalDatabase({
    globalClusterIdentifier: 'auth-global',
    writerRegion: EAST,
    clusters: Object.fromEntries(
      [EAST, WEST, EU].map((region) => [
        region,
        {
          arn: `arn:aws:rds:${region}:000000000000:cluster:auth-${region}`,
          writerEndpoint: host(region, 'cluster'),
          readerEndpoint: host(region, 'cluster-ro'),
          instances: headless.includes(region) ? 0 : 1,
          writeForwarding: region === EU,
        },
      ]),
    ),
  });
  return rds;
}

/** Calls the Query API over plain HTTP (the SDK fidelity tests are in index.test.ts); returns the XML. */
async function query(rds: RdsEmulator, body: string): Promise<string> {
  const server = await listen(rds.handle);
  try {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `AWS4-HMAC-SHA256 Credential=AK/20260101/${WEST}/rds/aws4_request` },
      body,
      signal: AbortSignal.timeout(5000),
    });
    return await response.text();
  } finally {
    await server.close();
  }
}

function operate(rds: RdsEmulator, action: 'SwitchoverGlobalCluster' | 'FailoverGlobalCluster', target: string, extra = ''): Promise<string> {
  return query(rds, `Action=${action}&Version=2014-10-31&GlobalClusterIdentifier=auth-global&TargetDbClusterIdentifier=${encodeURIComponent(target)}${extra}`);
}

describe('global database model (manual clock)', () => {
  let now = 0;
  const clock = () => now;
  let faults: FaultSwitch;
  let rds: RdsEmulator;

  afterEach(() => rds.stop());

  const describeGlobal = () => query(rds, 'Action=DescribeGlobalClusters&Version=2014-10-31');

  function setup(headless: string[] = []) {
    now = 1_000_000;
    faults = faultSwitch();
    rds = seeded(faults, clock, headless);
  }

  it('replicates each write to every secondary after the lag', () => {
    setup();
    now += 1000;
    rds.write(host(EAST, 'cluster'), { key: 'a', value: '1' });
    // RPO lag: the span of committed writes the secondary may lack (at most the replication lag here).
    expect(rds.lagMs(WEST)).toBe(200);
    now += 199;
    expect(rds.read(host(WEST, 'cluster-ro'), 'a')).toBeUndefined();
    expect(rds.lagMs(WEST)).toBe(1);
    now += 1;
    expect(rds.read(host(WEST, 'cluster-ro'), 'a')).toBe('1');
    expect(rds.read(host(EU, 'cluster-ro'), 'a')).toBe('1');
    expect(rds.lagMs(WEST)).toBe(0);
    expect(rds.lagMs(EAST)).toBeUndefined();
    expect(rds.stats()).toEqual({ writesCommitted: 1, writesLost: 0, replicationLagMs: { [WEST]: 0, [EU]: 0 } });
  });

  it('refuses writes on readers, forwards them from a write-forwarding secondary, and refuses unreachable clusters', () => {
    setup();
    const refusal = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return error instanceof RdsDataError ? error.reason : error;
      }
      return 'accepted';
    };
    expect(refusal(() => rds.write(host(WEST, 'cluster'), { key: 'k', value: 'v' }))).toBe('read-only');
    expect(refusal(() => rds.write(host(EAST, 'cluster-ro'), { key: 'k', value: 'v' }))).toBe('read-only');
    expect(refusal(() => rds.write('nowhere.example', { key: 'k', value: 'v' }))).toBe('unknown-endpoint');
    expect(rds.write(host(EU, 'cluster'), { key: 'k', value: 'v' })).toEqual({ seq: 1, committedBy: 'auth-us-east-1' });
    expect(rds.write('auth-global.global.rds.sandbox', { key: 'k2', value: 'v' }).committedBy).toBe('auth-us-east-1');
    faults.regionDown(EAST, true);
    expect(refusal(() => rds.write(host(EAST, 'cluster'), { key: 'k', value: 'v' }))).toBe('unreachable');
    expect(refusal(() => rds.write(host(EU, 'cluster'), { key: 'k', value: 'v' }))).toBe('unreachable');
    expect(refusal(() => rds.read(host(EAST, 'cluster-ro'), 'k'))).toBe('unreachable');
  });

  it('stops replicating to a region that is down, and its lag grows while writes go on', () => {
    setup();
    faults.regionDown(WEST, true);
    rds.write(host(EAST, 'cluster'), { key: 'a', value: '1' });
    now += 1000;
    rds.write(host(EAST, 'cluster'), { key: 'b', value: '2' });
    now += 1000;
    rds.write(host(EAST, 'cluster'), { key: 'c', value: '3' });
    // Consistent through (down time - 200 ms lag); the newest write is 2000 ms after the outage began.
    expect(rds.lagMs(WEST)).toBe(2200);
    faults.regionDown(WEST, false);
    now += 200;
    expect(rds.read(host(WEST, 'cluster-ro'), 'c')).toBe('3');
  });

  it('an unplanned failover loses exactly the writes the target did not have', async () => {
    setup();
    rds.write(host(EAST, 'cluster'), { key: 'replicated', value: '1' });
    now += 200;
    rds.write(host(EAST, 'cluster'), { key: 'lost-1', value: '2' });
    now += 50;
    rds.write(host(EAST, 'cluster'), { key: 'lost-2', value: '3' });
    faults.regionDown(EAST, true);
    now += 500; // the writer's region is down: nothing more reaches us-west-2

    const xml = await operate(rds, 'FailoverGlobalCluster', `arn:aws:rds:${WEST}:000000000000:cluster:auth-${WEST}`, '&AllowDataLoss=true');
    expect(xml).toContain('<IsDataLossAllowed>true</IsDataLossAllowed>');
    expect(rds.stats().writesLost).toBe(2);
    now += 499;
    expect(rds.writerRegion('auth-global')).toBe(EAST);
    now += 1;
    expect(rds.writerRegion('auth-global')).toBe(WEST);
    expect(rds.resolveEndpoint('auth-global.global.rds.sandbox')).toBe(host(WEST, 'cluster'));
    expect(rds.read(host(WEST, 'cluster'), 'replicated')).toBe('1');
    expect(rds.read(host(WEST, 'cluster'), 'lost-1')).toBeUndefined();
    expect(rds.write(host(WEST, 'cluster'), { key: 'after', value: '4' }).seq).toBe(2);

    // The old writer comes back diverged; it is rebuilt from the new writer and loses its extra writes.
    faults.regionDown(EAST, false);
    expect(rds.stats().replicationLagMs[EAST]).toBeGreaterThan(0); // the rebuild (300 ms) starts now
    now += 300;
    expect(rds.read(host(EAST, 'cluster-ro'), 'lost-2')).toBeUndefined();
    expect(rds.read(host(EAST, 'cluster-ro'), 'after')).toBe('4');
    expect(rds.stats()).toMatchObject({ writesCommitted: 4, writesLost: 2 });
  });

  it('a switchover waits for the target to catch up and loses nothing', async () => {
    setup();
    rds.setReplicationLag(WEST, 3000);
    rds.write(host(EAST, 'cluster'), { key: 'a', value: '1' });
    const xml = await operate(rds, 'SwitchoverGlobalCluster', `auth-${WEST}`);
    expect(xml).toContain('<FailoverState><Status>pending</Status>');
    expect(() => rds.write(host(EAST, 'cluster'), { key: 'b', value: '2' })).toThrow(RdsDataError);
    now += 100; // the first tenth of the base duration is verification
    expect(await describeGlobal()).toContain('<FailoverState><Status>switching-over</Status>');
    now += 900; // base duration over, but the target still lacks the write
    expect(rds.writerRegion('auth-global')).toBe(EAST);
    now += 2000;
    expect(rds.writerRegion('auth-global')).toBe(WEST);
    expect(rds.read(host(WEST, 'cluster'), 'a')).toBe('1');
    expect(rds.stats().writesLost).toBe(0);
  });

  it('cancels a switchover when the writer region goes down mid-way; the old writer stays the writer', async () => {
    setup();
    rds.setReplicationLag(WEST, 3000);
    rds.write(host(EAST, 'cluster'), { key: 'a', value: '1' });
    await operate(rds, 'SwitchoverGlobalCluster', `auth-${WEST}`);
    faults.regionDown(EAST, true);
    now += 10;
    expect(await describeGlobal()).toContain('<FailoverState><Status>cancelling</Status>');
    expect(await operate(rds, 'FailoverGlobalCluster', `auth-${WEST}`, '&AllowDataLoss=true')).toContain('InvalidGlobalClusterStateFault');
    now += 100; // a cancellation takes a tenth of the base duration
    expect(await describeGlobal()).not.toContain('<FailoverState>');
    expect(rds.writerRegion('auth-global')).toBe(EAST);
    const xml = await operate(rds, 'FailoverGlobalCluster', `auth-${WEST}`, '&AllowDataLoss=true');
    expect(xml).toContain('<IsDataLossAllowed>true</IsDataLossAllowed>');
    expect(rds.stats().writesLost).toBe(1);
  });
});

describe('seeding a global database', () => {
  const cluster = (region: string, arnRegion = region) => ({
    arn: `arn:aws:rds:${arnRegion}:000000000000:cluster:auth-${region}`,
    writerEndpoint: host(region, 'cluster'),
    readerEndpoint: host(region, 'cluster-ro'),
  });

  it.each<{ name: string; writerRegion: string; clusters: Record<string, ReturnType<typeof cluster>>; match: RegExp }>([
    { name: 'a writer region without a cluster', writerRegion: EU, clusters: { [EAST]: cluster(EAST) }, match: /writerRegion "eu-west-1" has no cluster/ },
    { name: 'an ARN of another region', writerRegion: EAST, clusters: { [EAST]: cluster(EAST), [WEST]: cluster(WEST, EU) }, match: /clusters\.us-west-2\.arn/ },
    { name: 'an ARN of another account', writerRegion: EAST, clusters: { [EAST]: { ...cluster(EAST), arn: cluster(EAST).arn.replace('000000000000', '111111111111') } }, match: /account 000000000000/ },
  ])('refuses $name and creates nothing', ({ writerRegion, clusters, match }) => {
    const rds = createRdsEmulator({ faults: faultSwitch().view });
    try {
      const seed = () => rds.seedGlobalDatabase({ globalClusterIdentifier: 'auth-global', writerRegion, clusters });
      expect(seed).toThrow(InputError);
      expect(seed).toThrow(match);
      expect(rds.writerRegion('auth-global')).toBeUndefined();
    } finally {
      rds.stop();
    }
  });
});
