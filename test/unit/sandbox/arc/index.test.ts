import {
  AccessDeniedException,
  ConflictException,
  EndpointTemporarilyUnavailableException,
  GetRoutingControlStateCommand,
  InternalServerException,
  ListRoutingControlsCommand,
  ResourceNotFoundException,
  Route53RecoveryClusterClient,
  Route53RecoveryClusterServiceException,
  ThrottlingException,
  UpdateRoutingControlStateCommand,
  UpdateRoutingControlStatesCommand,
  ValidationException,
} from '@aws-sdk/client-route53-recovery-cluster';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createArcCluster, type ArcCluster } from '../../../../sandbox/arc/index.js';
import type { AwsApiFault } from '../../../../sandbox/shared/faults.js';
import { faultSwitch, listen, type Loopback } from '../rds/loopback.js';

/** Fidelity of the ARC cluster emulator through the real Route53RecoveryClusterClient, on loopback. */

const PANEL = 'arn:aws:route53-recovery-control::000000000000:controlpanel/sandbox';
const GATE_PANEL = 'arn:aws:route53-recovery-control::000000000000:controlpanel/gates';
const control = (name: string, panel = PANEL) => `${panel}/routingcontrol/${name}`;
const EAST = control('us-east-1');
const WEST = control('us-west-2');
const EU = control('eu-west-1');
const GATE = control('gate', GATE_PANEL);
const GATED = control('gated', GATE_PANEL);

const faults = faultSwitch();
let servers: Loopback[] = [];
const clients: Route53RecoveryClusterClient[] = [];
let arc: ArcCluster;
// The servers outlive the tests; each test gets a fresh cluster behind them.
let current: ArcCluster['endpoints'] = [];

function client(endpoint: number): Route53RecoveryClusterClient {
  const created = new Route53RecoveryClusterClient({
    endpoint: servers[endpoint]!.url,
    region: 'us-west-2',
    credentials: { accessKeyId: 'SANDBOX-us-west-2', secretAccessKey: 'sandbox-secret' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 1000, requestTimeout: 2000 }),
  });
  clients.push(created);
  return created;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error,
  );
}

beforeAll(async () => {
  servers = await Promise.all(Array.from({ length: 5 }, (_, index) => listen((req, res) => current[index]?.(req, res))));
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await Promise.all(servers.map((s) => s.close()));
});

beforeEach(() => {
  faults.clear();
  arc = createArcCluster({ faults: faults.view, mutationsPerSecond: Number.POSITIVE_INFINITY });
  current = arc.endpoints;
  arc.seedRegionControls({ 'us-east-1': EAST, 'us-west-2': WEST, 'eu-west-1': EU }, 'us-east-1');
  arc.addRoutingControl({ arn: GATE, state: 'Off' });
  arc.addRoutingControl({ arn: GATED, state: 'Off' });
  arc.addGatingRule({ name: 'manual-gate', gatingControls: [GATE], targetControls: [GATED], config: { type: 'AND', threshold: 1, inverted: false } });
});

afterEach(() => arc.stop());

describe('ARC cluster emulator: get, list, update', () => {
  it('gets a routing control state', async () => {
    const state = await client(0).send(new GetRoutingControlStateCommand({ RoutingControlArn: EAST }));
    expect(state).toMatchObject({ RoutingControlArn: EAST, RoutingControlState: 'On', RoutingControlName: 'us-east-1' });
  });

  it('lists routing controls with the control panel filter and pagination', async () => {
    const first = await client(1).send(new ListRoutingControlsCommand({ ControlPanelArn: PANEL, MaxResults: 2 }));
    expect(first.RoutingControls?.map((c) => c.RoutingControlName)).toEqual(['us-east-1', 'us-west-2']);
    expect(first.RoutingControls?.[0]).toMatchObject({ ControlPanelArn: PANEL, ControlPanelName: 'sandbox', RoutingControlState: 'On', Owner: '000000000000' });
    expect(first.NextToken).toBeDefined();
    const second = await client(1).send(new ListRoutingControlsCommand({ ControlPanelArn: PANEL, MaxResults: 2, NextToken: first.NextToken }));
    expect(second.RoutingControls?.map((c) => c.RoutingControlName)).toEqual(['eu-west-1']);
    expect(second.NextToken).toBeUndefined();
    const all = await client(1).send(new ListRoutingControlsCommand({}));
    expect(all.RoutingControls).toHaveLength(5);
  });

  it('updates one control and a batch; every endpoint sees the shared state', async () => {
    await client(0).send(new UpdateRoutingControlStateCommand({ RoutingControlArn: WEST, RoutingControlState: 'On' }));
    expect(arc.state(WEST)).toBe('On');
    await client(2).send(
      new UpdateRoutingControlStatesCommand({
        UpdateRoutingControlStateEntries: [
          { RoutingControlArn: EAST, RoutingControlState: 'Off' },
          { RoutingControlArn: EU, RoutingControlState: 'On' },
        ],
      }),
    );
    const seen = await Promise.all([0, 1, 2, 3, 4].map((i) => client(i).send(new GetRoutingControlStateCommand({ RoutingControlArn: EAST }))));
    expect(seen.map((s) => s.RoutingControlState)).toEqual(['Off', 'Off', 'Off', 'Off', 'Off']);
    expect(arc.state(EU)).toBe('On');
    expect(arc.callCounts()).toMatchObject({ UpdateRoutingControlState: 1, UpdateRoutingControlStates: 1, GetRoutingControlState: 5 });
    expect(arc.callCounts(2)).toEqual({ UpdateRoutingControlStates: 1, GetRoutingControlState: 1 });
  });
});

describe('ARC cluster emulator: limits and safety rules', () => {
  it('refuses a batch of more than 10 entries with a ValidationException', async () => {
    const entries = Array.from({ length: 11 }, () => ({ RoutingControlArn: WEST, RoutingControlState: 'On' as const }));
    const error = await rejection(client(0).send(new UpdateRoutingControlStatesCommand({ UpdateRoutingControlStateEntries: entries })));
    expect(error).toBeInstanceOf(ValidationException);
    expect(error).toMatchObject({ reason: 'fieldValidationFailed', fields: [{ name: 'UpdateRoutingControlStateEntries' }] });
  });

  it('refuses an update that would turn every region off (assertion rule), changing nothing', async () => {
    const error = await rejection(client(0).send(new UpdateRoutingControlStateCommand({ RoutingControlArn: EAST, RoutingControlState: 'Off' })));
    expect(error).toBeInstanceOf(ConflictException);
    expect(error).toMatchObject({ resourceId: `${PANEL}/safetyrule/at-least-one-region-on`, $metadata: { httpStatusCode: 409 } });
    expect(arc.state(EAST)).toBe('On');
  });

  it('lets a break-glass update through with SafetyRulesToOverride', async () => {
    await client(0).send(
      new UpdateRoutingControlStateCommand({ RoutingControlArn: EAST, RoutingControlState: 'Off', SafetyRulesToOverride: [`${PANEL}/safetyrule/at-least-one-region-on`] }),
    );
    expect(arc.state(EAST)).toBe('Off');
  });

  it('holds target controls until the gating control is On', async () => {
    const gated = () => client(3).send(new UpdateRoutingControlStateCommand({ RoutingControlArn: GATED, RoutingControlState: 'On' }));
    expect(await rejection(gated())).toBeInstanceOf(ConflictException);
    expect(arc.state(GATED)).toBe('Off');
    await client(3).send(new UpdateRoutingControlStateCommand({ RoutingControlArn: GATE, RoutingControlState: 'On' }));
    await gated();
    expect(arc.state(GATED)).toBe('On');
  });

  it('throttles mutating calls per endpoint, not reads', async () => {
    arc = createArcCluster({ faults: faults.view, mutationsPerSecond: 3, clock: () => 0 });
    current = arc.endpoints;
    arc.addRoutingControl({ arn: WEST });
    const update = (endpoint: number) => client(endpoint).send(new UpdateRoutingControlStateCommand({ RoutingControlArn: WEST, RoutingControlState: 'On' }));
    for (let n = 0; n < 3; n++) await update(0);
    expect(await rejection(update(0))).toBeInstanceOf(ThrottlingException);
    await update(1);
    await client(0).send(new GetRoutingControlStateCommand({ RoutingControlArn: WEST }));
  });

  it.each([
    { name: 'an unknown control', call: () => client(0).send(new GetRoutingControlStateCommand({ RoutingControlArn: control('nope') })), type: ResourceNotFoundException },
    { name: 'an unknown control panel', call: () => client(0).send(new ListRoutingControlsCommand({ ControlPanelArn: `${PANEL}x` })), type: ResourceNotFoundException },
    { name: 'a bad state', call: () => client(0).send(new UpdateRoutingControlStateCommand({ RoutingControlArn: WEST, RoutingControlState: 'Maybe' as 'On' })), type: ValidationException },
    { name: 'a bad page token', call: () => client(0).send(new ListRoutingControlsCommand({ NextToken: '!!' })), type: ValidationException },
    { name: 'an unknown override', call: () => client(0).send(new UpdateRoutingControlStateCommand({ RoutingControlArn: WEST, RoutingControlState: 'On', SafetyRulesToOverride: ['x'] })), type: ValidationException },
  ])('answers $name with $type.name', async ({ call, type }) => {
    expect(await rejection(call())).toBeInstanceOf(type);
  });

  it.each([
    { name: 'malformed JSON', target: 'ToggleCustomerAPI.GetRoutingControlState', body: '{', reason: 'cannotParse' },
    { name: 'an unknown operation', target: 'ToggleCustomerAPI.DeleteEverything', body: '{}', reason: 'unknownOperation' },
    { name: 'an inherited property name', target: 'ToggleCustomerAPI.constructor', body: '{}', reason: 'unknownOperation' },
    { name: 'another service', target: 'GraniteServiceVersion20100801.GetMetricData', body: '{}', reason: 'unknownOperation' },
  ])('answers $name with a ValidationException ($reason)', async ({ target, body, reason }) => {
    const response = await fetch(servers[0]!.url, {
      method: 'POST',
      headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.0' },
      body,
      signal: AbortSignal.timeout(3000),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ __type: 'ValidationException', reason });
  });
});

describe('ARC cluster emulator: endpoint faults', () => {
  it('keeps serving from the other endpoints while one is down', async () => {
    faults.set('arc', { kind: 'down' }, 0);
    const down = await rejection(client(0).send(new GetRoutingControlStateCommand({ RoutingControlArn: EAST })));
    expect(down).not.toBeInstanceOf(Route53RecoveryClusterServiceException);
    await client(1).send(new UpdateRoutingControlStateCommand({ RoutingControlArn: WEST, RoutingControlState: 'On' }));
    expect(arc.state(WEST)).toBe('On');
    expect(arc.callCounts(0)).toEqual({});
  });

  it('accepts updates through the two endpoints left when three cannot be reached', async () => {
    for (const index of [0, 1, 2]) faults.set('arc', { kind: 'down' }, index);
    await client(3).send(new UpdateRoutingControlStateCommand({ RoutingControlArn: WEST, RoutingControlState: 'On' }));
    expect(arc.state(WEST)).toBe('On');
  });

  it('refuses updates once most of the cluster regions are down, but still answers reads', async () => {
    const regions = ['ap-south-1', 'sa-east-1', 'ca-central-1', 'ap-southeast-2', 'ap-northeast-1'];
    arc.stop();
    arc = createArcCluster({ faults: faults.view, mutationsPerSecond: Number.POSITIVE_INFINITY, endpointRegions: regions });
    current = arc.endpoints;
    arc.seedRegionControls({ 'us-east-1': EAST, 'us-west-2': WEST, 'eu-west-1': EU }, 'us-east-1');
    for (const region of regions.slice(0, 3)) faults.regionDown(region, true);
    const error = await rejection(client(3).send(new UpdateRoutingControlStateCommand({ RoutingControlArn: WEST, RoutingControlState: 'On' })));
    expect(error).toBeInstanceOf(EndpointTemporarilyUnavailableException);
    expect((await client(4).send(new GetRoutingControlStateCommand({ RoutingControlArn: WEST }))).RoutingControlState).toBe('Off');
  });

  it.each<{ fault: AwsApiFault; type: new (...args: never[]) => Error; status: number }>([
    { fault: { kind: 'throttle' }, type: ThrottlingException, status: 429 },
    { fault: { kind: 'server-error' }, type: InternalServerException, status: 500 },
    { fault: { kind: 'access-denied' }, type: AccessDeniedException, status: 403 },
    { fault: { kind: 'expired-token' }, type: AccessDeniedException, status: 403 },
  ])('renders $fault.kind as $type.name', async ({ fault, type, status }) => {
    faults.set('arc', fault, 2);
    const error = await rejection(client(2).send(new GetRoutingControlStateCommand({ RoutingControlArn: EAST })));
    expect(error).toBeInstanceOf(type);
    expect((error as Route53RecoveryClusterServiceException).$metadata.httpStatusCode).toBe(status);
    await client(3).send(new GetRoutingControlStateCommand({ RoutingControlArn: EAST }));
  });

  it('never answers a hanging endpoint', async () => {
    faults.set('arc', { kind: 'hang' }, 4);
    const error = await rejection(client(4).send(new GetRoutingControlStateCommand({ RoutingControlArn: EAST }), { abortSignal: AbortSignal.timeout(300) }));
    expect((error as Error).name).toBe('AbortError');
  });
});
