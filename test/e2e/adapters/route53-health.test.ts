import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AwsCaller, type AwsCallErrorEvent } from '../../../controller/aws/caller.js';
import { AwsClients } from '../../../controller/aws/clients.js';
import type { Observation } from '../../../controller/domain/types.js';
import { Route53HealthReader } from '../../../controller/signals/route53-health.js';
import { TokenBucket } from '../../../kernel/token-bucket.js';
import { createRoute53Emulator, type Route53Emulator } from '../../../sandbox/route53/index.js';
import { eventually, sandboxConfig, serve, TestFaults } from './fixture.js';

/** The Route 53 health-status reader against the sandbox's checkers probing a loopback app. */
describe('Route53HealthReader against the sandbox Route 53 checkers', () => {
  const faults = new TestFaults();
  const errors: AwsCallErrorEvent[] = [];
  let r53: Route53Emulator;
  let closers: Array<() => Promise<void>> = [];
  let caller: AwsCaller;
  const healthChecks = { 'us-east-1': 'hc-us-east-1', 'us-west-2': 'hc-us-west-2' };
  const reader = (bucket = new TokenBucket(10, 100, Date.now)) => new Route53HealthReader({ caller, healthChecks, service: 'api', bucket });
  /** Starts the reads that are due, waits for them, and takes what they observed. */
  const readSettled = async (subject: Route53HealthReader) => {
    const earlier = await subject.read();
    await subject.settle();
    return [...earlier, ...(await subject.read())];
  };

  beforeAll(async () => {
    // us-east-1's app is healthy, us-west-2's answers 503.
    const app = await serve((req, res) => res.writeHead(req.url === '/east' ? 200 : 503).end());
    const port = (app.server.address() as AddressInfo).port;
    r53 = createRoute53Emulator({ faults, timeScale: 0.01, throttle: false });
    const api = await serve(r53.handle);
    closers = [app.close, api.close];
    for (const [region, path] of [['us-east-1', '/east'], ['us-west-2', '/west']] as const) {
      r53.seedHealthCheck({ id: healthChecks[region], config: { type: 'HTTP', ipAddress: '127.0.0.1', port, resourcePath: path, requestInterval: 10, failureThreshold: 1 } });
    }
    r53.start();
    const base = sandboxConfig();
    const aws = { ...base.aws, endpoints: { ...base.aws.endpoints, route53: api.url }, requestTimeout: 500 };
    caller = new AwsCaller({ clients: new AwsClients(aws, 'eu-west-1'), policy: aws.retry, requestTimeout: aws.requestTimeout, hooks: { onCallError: (e) => errors.push(e) } });
  });

  beforeEach(() => {
    faults.api.clear();
    errors.length = 0;
  });

  afterAll(async () => {
    r53.stop();
    caller.clients.destroy();
    await Promise.all(closers.map((close) => close()));
  });

  it("turns the checkers' reports into one route53-vantage observation per region", async () => {
    const subject = reader();
    const observations = await eventually(async () => {
      const read = await readSettled(subject);
      const byRegion = Object.fromEntries(read.map((o) => [o.region, o]));
      return byRegion['us-east-1']?.outcome === 'ok' && byRegion['us-west-2']?.outcome === 'fail' ? byRegion : undefined;
    });
    expect(observations['us-east-1']).toMatchObject({ service: 'api', vantage: 'route53', signal: 'route53', outcome: 'ok' });
    expect(observations['us-east-1']?.detail).toMatch(/^[1-8]\/8 checkers report success$/);
    expect(observations['us-west-2']?.detail).toBe('0/8 checkers report success');
  });

  it('reads only as many regions as the bucket allows, taking turns', async () => {
    let now = 0;
    const subject = reader(new TokenBucket(1, 1, () => now));
    const regionsOf = (read: Observation[]) => read.map((o) => o.region);
    await eventually(async () => ((await readSettled(subject)).length === 1 ? true : undefined));
    now += 1000;
    const second = regionsOf(await readSettled(subject));
    now += 1000;
    const third = regionsOf(await readSettled(subject));
    expect(second).toHaveLength(1);
    expect(third).toHaveLength(1);
    expect(second[0]).not.toBe(third[0]);
    expect(await readSettled(subject)).toEqual([]);
  });

  /** One read's worth of tokens (one per region), never refilled: counts of calls stay exact. */
  const oneRead = () => new TokenBucket(2, 0, Date.now);

  it('reports nothing (unknown), not a failure, when the Route 53 API fails', async () => {
    faults.api.set('route53', { kind: 'server-error' });
    await expect(readSettled(reader(oneRead()))).resolves.toEqual([]);
    expect(errors.map((e) => e.kind)).toEqual(['unavailable', 'unavailable']);
  });

  it("never holds the caller's tick: with the Route 53 API hanging (us-east-1 hung), a read returns at once", async () => {
    faults.api.set('route53', { kind: 'hang' });
    const subject = reader(oneRead());
    // The read does no waiting of its own: it answers before any timer of the event loop can fire.
    const first = await Promise.race([subject.read(), new Promise<'held'>((resolve) => setTimeout(() => resolve('held'), 0))]);
    expect(first).toEqual([]);
    await subject.settle();
    expect(await subject.read()).toEqual([]);
    expect(errors.map((e) => e.kind)).toEqual(['timeout', 'timeout']);
  });
});
