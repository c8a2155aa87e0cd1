import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AwsCallErrorEvent } from '../../../controller/aws/caller.js';
import { AwsCallError, RetryBudgetExhaustedError } from '../../../controller/aws/errors.js';
import type { Config } from '../../../controller/config/schema.js';
import { buildProviders, type Providers } from '../../../controller/wiring.js';
import type { StepBudget } from '../../../controller/ports.js';
import { createArcCluster, type ArcCluster } from '../../../sandbox/arc/index.js';
import { sandboxConfig, serve, TestFaults } from './fixture.js';

/** The production ARC adapter against the sandbox's five-endpoint routing-control cluster. */
describe('ArcRoutingControlRouter against the sandbox ARC cluster', () => {
  const faults = new TestFaults();
  const errors: AwsCallErrorEvent[] = [];
  let arc: ArcCluster;
  let closers: Array<() => Promise<void>> = [];
  let providers: Providers;
  let controls: Record<string, string>;
  const budget = (ms = 10_000): StepBudget => ({ deadlineAt: Date.now() + ms });
  const states = () => Object.fromEntries(Object.entries(controls).map(([region, arn]) => [region, arc.state(arn)]));
  const updates = (endpoint?: number) => arc.callCounts(endpoint).UpdateRoutingControlStates ?? 0;

  beforeAll(async () => {
    const base = sandboxConfig();
    if (base.traffic.mechanism !== 'arc') throw new Error('examples/sandbox.yaml should use ARC');
    controls = base.traffic.routingControls;
    arc = createArcCluster({ faults, mutationsPerSecond: 100 });
    for (const [region, arn] of Object.entries(controls)) arc.addRoutingControl({ arn, state: region === 'us-east-1' ? 'On' : 'Off' });
    arc.addAssertionRule({ name: 'at-least-one-on', assertedControls: Object.values(controls), config: { type: 'ATLEAST', threshold: 1, inverted: false } });
    const servers = await Promise.all(arc.endpoints.map((handle) => serve(handle)));
    closers = servers.map((server) => server.close);
    const config: Config = {
      ...base,
      traffic: {
        ...base.traffic,
        clusterEndpoints: base.traffic.clusterEndpoints.map((endpoint, index) => ({ ...endpoint, url: servers[index]!.url })),
        perEndpointTimeout: 300,
      },
      aws: { ...base.aws, connectTimeout: 200, requestTimeout: 500, retry: { base: 10, cap: 50, maxAttempts: 2 } },
    };
    providers = buildProviders(config, { replicaRegion: 'eu-west-1', hooks: { onCallError: (event) => errors.push(event) } });
  });

  beforeEach(() => {
    faults.arcEndpoints.clear();
    faults.api.clear();
    errors.length = 0;
  });

  afterAll(async () => {
    await providers.close();
    arc.stop();
    await Promise.all(closers.map((close) => close()));
  });

  it('reads which region is On', async () => {
    await expect(providers.traffic.read(budget())).resolves.toEqual({
      active: ['us-east-1'],
      detail: { 'us-east-1': 'On', 'us-west-2': 'Off', 'eu-west-1': 'Off' },
    });
  });

  it('changes nothing when the target is already the only region On', async () => {
    const before = updates();
    await expect(providers.traffic.routeTo('us-east-1', budget())).resolves.toMatchObject({ changed: false });
    expect(updates()).toBe(before);
  });

  it('flips to the target in one batch that keeps "at least one On" true, and verifies', async () => {
    const result = await providers.traffic.routeTo('us-west-2', budget());
    expect(result.changed).toBe(true);
    expect(states()).toEqual({ 'us-east-1': 'Off', 'us-west-2': 'On', 'eu-west-1': 'Off' });
  });

  it('moves on past a dead and a hanging endpoint to one that answers', async () => {
    faults.arcEndpoints.set(0, { kind: 'down' });
    faults.arcEndpoints.set(1, { kind: 'hang' });
    const before = updates(2);
    await expect(providers.traffic.routeTo('eu-west-1', budget())).resolves.toMatchObject({ changed: true });
    expect(states()).toEqual({ 'us-east-1': 'Off', 'us-west-2': 'Off', 'eu-west-1': 'On' });
    expect(updates(2)).toBe(before + 1);
    // The dead endpoint drops the connection (a reset, or on a loaded machine a connect timeout first); the hanging one times out.
    const kinds = errors.map((e) => e.kind);
    expect(kinds.length).toBeGreaterThanOrEqual(2);
    expect(kinds).toContain('timeout');
    for (const kind of kinds) expect(['network', 'timeout']).toContain(kind);
  });

  it('starts the next call at the endpoint that answered last, so dead ones cost their timeout once', async () => {
    faults.arcEndpoints.set(0, { kind: 'down' });
    faults.arcEndpoints.set(1, { kind: 'hang' });
    await expect(providers.traffic.read(budget())).resolves.toMatchObject({ active: ['eu-west-1'] });
    expect(errors).toEqual([]);
  });

  it('stops at the first terminal error: every endpoint would deny alike', async () => {
    faults.api.set('arc', { kind: 'access-denied' });
    const failure = await providers.traffic.routeTo('us-east-1', budget()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AwsCallError);
    expect(failure).toMatchObject({ code: 'AccessDeniedException', transient: false });
    expect(errors).toHaveLength(1);
    expect(states()['eu-west-1']).toBe('On');
  });

  it('gives up within its budget when no endpoint answers', async () => {
    for (let index = 0; index < 5; index++) faults.arcEndpoints.set(index, { kind: 'down' });
    const failure = await providers.traffic.read(budget()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RetryBudgetExhaustedError);
    expect(failure).toMatchObject({ transient: true, context: { attempts: 2 } });
    expect(errors).toHaveLength(10);
  });
});
