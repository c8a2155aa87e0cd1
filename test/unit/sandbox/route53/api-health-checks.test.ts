import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateHealthCheckCommand,
  DeleteHealthCheckCommand,
  GetHealthCheckCommand,
  GetHealthCheckStatusCommand,
  HealthCheckAlreadyExists,
  InvalidInput,
  ListHealthChecksCommand,
  NoSuchHealthCheck,
} from '@aws-sdk/client-route-53';
import type { HealthCheckConfig } from '@aws-sdk/client-route-53';
import { CHECKER_REGIONS } from '../../../../sandbox/route53/index.js';
import type { RoutingControlState } from '../../../../sandbox/route53/index.js';
import { eventually, startRoute53 } from './harness.js';
import type { Harness } from './harness.js';

/** A local HTTP target whose answer the test controls, per vantage point if need be; it records who probed. */
class Target {
  status = 200;
  body = 'ok';
  readonly vantages = new Set<string>();
  /** Vantage points that get a 500 whatever `status` says; failures answered, per vantage. */
  failingFor = new Set<string>();
  readonly failures = new Map<string, number>();
  requests = 0;
  private server: Server | undefined;
  port = 0;

  async listen(port = 0): Promise<void> {
    this.server = createServer((req, res) => {
      this.requests++;
      const vantage = String(req.headers['x-fcp-vantage']);
      this.vantages.add(vantage);
      const status = this.failingFor.has(vantage) ? 500 : this.status;
      if (status >= 400) this.failures.set(vantage, (this.failures.get(vantage) ?? 0) + 1);
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(this.body);
    });
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const controls = new Map<string, RoutingControlState>();
const ARN = (name: string) => `arn:aws:route53-recovery-control::000000000000:controlpanel/sandbox/routingcontrol/${name}`;
let h: Harness;
const target = new Target();

beforeAll(async () => {
  // 10 s checks every 200 ms.
  h = await startRoute53({ timeScale: 0.02, probeTimeoutMs: 1000, routingControlState: (arn) => controls.get(arn) });
  await target.listen();
  h.emulator.start();
});
afterAll(async () => {
  await h.close();
  await target.close();
});

let references = 0;
const createCheck = (config: HealthCheckConfig, callerReference = `ref-${++references}`) =>
  h.client.send(new CreateHealthCheckCommand({ CallerReference: callerReference, HealthCheckConfig: config }));
const http = (extra: Partial<HealthCheckConfig> = {}): HealthCheckConfig => ({
  Type: 'HTTP',
  IPAddress: '127.0.0.1',
  Port: target.port,
  ResourcePath: '/health',
  RequestInterval: 10,
  FailureThreshold: 1,
  ...extra,
});
const healthy = (id: string | undefined) => h.emulator.healthCheckHealthy(id ?? '');

describe('health check CRUD through the Route 53 SDK', () => {
  it('creates with Route 53 defaults, gets, lists and deletes', async () => {
    const { HealthCheck } = await createCheck({ Type: 'TCP', IPAddress: '127.0.0.1', Port: target.port });
    expect(HealthCheck?.HealthCheckConfig).toMatchObject({ Type: 'TCP', RequestInterval: 30, FailureThreshold: 3, Inverted: false, Disabled: false });
    expect(HealthCheck?.HealthCheckConfig?.Regions).toEqual([...CHECKER_REGIONS]);
    const fetched = await h.client.send(new GetHealthCheckCommand({ HealthCheckId: HealthCheck?.Id }));
    expect(fetched.HealthCheck).toEqual(HealthCheck);
    const listed = await h.client.send(new ListHealthChecksCommand({}));
    expect(listed.HealthChecks?.map((c) => c.Id)).toContain(HealthCheck?.Id);
    await h.client.send(new DeleteHealthCheckCommand({ HealthCheckId: HealthCheck?.Id }));
    await expect(h.client.send(new GetHealthCheckCommand({ HealthCheckId: HealthCheck?.Id }))).rejects.toBeInstanceOf(NoSuchHealthCheck);
    await expect(h.client.send(new DeleteHealthCheckCommand({ HealthCheckId: HealthCheck?.Id }))).rejects.toBeInstanceOf(NoSuchHealthCheck);
  });

  it('is idempotent on CallerReference with the same configuration, and refuses another configuration or a deleted reference', async () => {
    const first = await createCheck(http(), 'idempotent');
    const again = await createCheck(http(), 'idempotent');
    expect(again.HealthCheck?.Id).toBe(first.HealthCheck?.Id);
    await expect(createCheck(http({ FailureThreshold: 2 }), 'idempotent')).rejects.toBeInstanceOf(HealthCheckAlreadyExists);
    await h.client.send(new DeleteHealthCheckCommand({ HealthCheckId: first.HealthCheck?.Id }));
    await expect(createCheck(http(), 'idempotent')).rejects.toBeInstanceOf(HealthCheckAlreadyExists);
  });

  it('pages ListHealthChecks with Marker and NextMarker', async () => {
    for (let i = 0; i < 3; i++) await createCheck({ Type: 'RECOVERY_CONTROL', RoutingControlArn: ARN(`page-${i}`) });
    const all = (await h.client.send(new ListHealthChecksCommand({}))).HealthChecks?.map((c) => c.Id);
    const seen: (string | undefined)[] = [];
    let marker: string | undefined;
    for (let pages = 0; pages < 20; pages++) {
      const page = await h.client.send(new ListHealthChecksCommand({ MaxItems: 2, ...(marker ? { Marker: marker } : {}) }));
      seen.push(...(page.HealthChecks ?? []).map((c) => c.Id));
      if (!page.IsTruncated) break;
      marker = page.NextMarker;
    }
    expect(seen).toEqual(all);
  });

  it.each<[string, HealthCheckConfig]>([
    ['RequestInterval other than 10 or 30', { Type: 'HTTP', IPAddress: '127.0.0.1', RequestInterval: 20 }],
    ['FailureThreshold 0', { Type: 'HTTP', IPAddress: '127.0.0.1', FailureThreshold: 0 }],
    ['FailureThreshold 11', { Type: 'HTTP', IPAddress: '127.0.0.1', FailureThreshold: 11 }],
    ['an HTTP check without a target', { Type: 'HTTP' }],
    ['a TCP check without a port', { Type: 'TCP', IPAddress: '127.0.0.1' }],
    ['a bad IP address', { Type: 'HTTP', IPAddress: '127.0.0.300' }],
    ['a CALCULATED check without HealthThreshold', { Type: 'CALCULATED', ChildHealthChecks: [] }],
    ['a CALCULATED check with an unknown child', { Type: 'CALCULATED', ChildHealthChecks: ['nope'], HealthThreshold: 1 }],
    ['a RECOVERY_CONTROL check without an ARN', { Type: 'RECOVERY_CONTROL' }],
    ['a CLOUDWATCH_METRIC check (not emulated)', { Type: 'CLOUDWATCH_METRIC', AlarmIdentifier: { Region: 'us-east-1', Name: 'alarm' } }],
    ['fewer than three checker regions', { Type: 'HTTP', IPAddress: '127.0.0.1', Regions: ['us-east-1', 'eu-west-1'] }],
  ])('refuses %s with InvalidInput', async (_, config) => {
    await expect(createCheck(config)).rejects.toBeInstanceOf(InvalidInput);
  });
});

describe('health checks that really run', () => {
  it('probe nothing before start() and nothing after stop()', async () => {
    const own = new Target();
    await own.listen();
    const quiet = await startRoute53({ timeScale: 0.01, probeTimeoutMs: 500 });
    try {
      quiet.emulator.seedHealthCheck({ id: 'quiet', config: { type: 'HTTP', ipAddress: '127.0.0.1', port: own.port, requestInterval: 10 } });
      const idle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      await idle(300); // three intervals
      expect(own.vantages.size).toBe(0);
      quiet.emulator.start();
      await eventually(() => own.vantages.size === 8);
      quiet.emulator.stop();
      await idle(50); // let probes already answered land
      const served = own.requests;
      await idle(300);
      expect(own.requests).toBe(served);
    } finally {
      await quiet.close();
      await own.close();
    }
  });

  it('follows a real HTTP target failing and recovering, from all eight checker regions', async () => {
    const { HealthCheck } = await createCheck(http());
    const id = HealthCheck?.Id ?? '';
    await eventually(async () => {
      const status = await h.client.send(new GetHealthCheckStatusCommand({ HealthCheckId: id }));
      return status.HealthCheckObservations?.length === 8;
    });
    expect(target.vantages).toEqual(new Set(CHECKER_REGIONS.map((r) => `route53-${r}`)));
    const status = await h.client.send(new GetHealthCheckStatusCommand({ HealthCheckId: id }));
    expect(status.HealthCheckObservations?.map((o) => o.Region).sort()).toEqual([...CHECKER_REGIONS].sort());
    expect(status.HealthCheckObservations?.[0]?.StatusReport?.Status).toBe('Success: HTTP Status Code 200, OK');
    expect(status.HealthCheckObservations?.[0]?.StatusReport?.CheckedTime).toBeInstanceOf(Date);
    expect(healthy(id)).toBe(true);

    target.status = 503;
    await eventually(() => healthy(id) === false);
    const failing = await h.client.send(new GetHealthCheckStatusCommand({ HealthCheckId: id }));
    expect(failing.HealthCheckObservations?.some((o) => o.StatusReport?.Status === 'Failure: HTTP Status Code 503, Service Unavailable')).toBe(true);

    target.status = 200;
    await eventually(() => healthy(id) === true);
  });

  it('sees a target that goes away and comes back', async () => {
    const own = new Target();
    await own.listen();
    const port = own.port;
    const { HealthCheck } = await createCheck(http({ Port: port }));
    await eventually(() => own.vantages.size === 8);
    await own.close();
    await eventually(() => healthy(HealthCheck?.Id) === false);
    await own.listen(port);
    await eventually(() => healthy(HealthCheck?.Id) === true);
    await own.close();
  });

  it('flips only after FailureThreshold consecutive failures', async () => {
    const own = new Target();
    await own.listen();
    const { HealthCheck } = await createCheck(http({ Port: own.port, FailureThreshold: 3 }));
    const id = HealthCheck?.Id ?? '';
    await eventually(() => own.vantages.size === 8);
    own.failingFor = new Set(CHECKER_REGIONS.map((r) => `route53-${r}`));
    await eventually(() => healthy(id) === false);
    // Unhealthy needs at least seven checkers (only 1/8 = 12.5% left healthy), each after three failures.
    const failures = [...own.failures.values()];
    expect(failures.filter((count) => count >= 3).length).toBeGreaterThanOrEqual(7);
    await own.close();
  });

  it('stays healthy while more than 18% of the checkers pass', async () => {
    const own = new Target();
    await own.listen();
    const { HealthCheck } = await createCheck(http({ Port: own.port }));
    const id = HealthCheck?.Id ?? '';
    const regions = CHECKER_REGIONS.map((r) => `route53-${r}`);
    own.failingFor = new Set(regions.slice(0, 6)); // 2 of 8 pass: 25%
    await eventually(() => [...own.failures.values()].filter((count) => count >= 3).length === 6);
    expect(healthy(id)).toBe(true);
    own.failingFor = new Set(regions.slice(0, 7)); // 1 of 8 passes: 12.5%
    await eventually(() => healthy(id) === false);
    await own.close();
  });

  it('inverts the status when Inverted is set', async () => {
    const { HealthCheck } = await createCheck(http({ Inverted: true }));
    await eventually(() => healthy(HealthCheck?.Id) === false);
  });

  it('matches a search string in the body', async () => {
    const found = await createCheck(http({ Type: 'HTTP_STR_MATCH', SearchString: 'ok' }));
    const missing = await createCheck(http({ Type: 'HTTP_STR_MATCH', SearchString: 'absent' }));
    await eventually(() => healthy(missing.HealthCheck?.Id) === false);
    expect(healthy(found.HealthCheck?.Id)).toBe(true);
  });

  it('connects for TCP checks', async () => {
    const { HealthCheck } = await createCheck({ Type: 'TCP', IPAddress: '127.0.0.1', Port: 1, RequestInterval: 10, FailureThreshold: 1 });
    await eventually(() => healthy(HealthCheck?.Id) === false);
    const status = await h.client.send(new GetHealthCheckStatusCommand({ HealthCheckId: HealthCheck?.Id }));
    expect(status.HealthCheckObservations?.[0]?.StatusReport?.Status).toMatch(/^Failure: Connection refused/);
  });

  it('follows a routing control for RECOVERY_CONTROL checks', async () => {
    controls.set(ARN('east'), 'On');
    const { HealthCheck } = await createCheck({ Type: 'RECOVERY_CONTROL', RoutingControlArn: ARN('east') });
    expect(healthy(HealthCheck?.Id)).toBe(true);
    controls.set(ARN('east'), 'Off');
    expect(healthy(HealthCheck?.Id)).toBe(false);
    const status = await h.client.send(new GetHealthCheckStatusCommand({ HealthCheckId: HealthCheck?.Id }));
    expect(status.HealthCheckObservations).toHaveLength(8);
    expect(status.HealthCheckObservations?.[0]?.StatusReport?.Status).toMatch(/^Failure/);
    controls.delete(ARN('east'));
    expect(healthy(HealthCheck?.Id)).toBe(false);
  });

  it('combines children with HealthThreshold for CALCULATED checks, and has no status of its own', async () => {
    controls.set(ARN('c1'), 'On');
    controls.set(ARN('c2'), 'On');
    const children = await Promise.all(['c1', 'c2'].map((name) => createCheck({ Type: 'RECOVERY_CONTROL', RoutingControlArn: ARN(name) })));
    const { HealthCheck } = await createCheck({ Type: 'CALCULATED', ChildHealthChecks: children.map((c) => c.HealthCheck?.Id ?? ''), HealthThreshold: 2 });
    expect(healthy(HealthCheck?.Id)).toBe(true);
    controls.set(ARN('c2'), 'Off');
    expect(healthy(HealthCheck?.Id)).toBe(false);
    await expect(h.client.send(new GetHealthCheckStatusCommand({ HealthCheckId: HealthCheck?.Id }))).rejects.toBeInstanceOf(InvalidInput);
  });
});
