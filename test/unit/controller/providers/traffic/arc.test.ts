import {
  GetRoutingControlStateCommand,
  Route53RecoveryClusterClient,
  UpdateRoutingControlStatesCommand,
  type RoutingControlState,
} from '@aws-sdk/client-route53-recovery-cluster';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../../../../kernel/errors.js';
import { ARC_BATCH_LIMIT, ArcRoutingControlRouter, type ArcTrafficSettings } from '../../../../../controller/providers/traffic/arc.js';
import { TrafficVerificationError } from '../../../../../controller/providers/traffic/common.js';
import { offlineCaller } from '../helpers.js';

const arc = mockClient(Route53RecoveryClusterClient);
afterEach(() => arc.reset());

/** Twelve controls: more than one UpdateRoutingControlStates batch. */
const regions = Array.from({ length: 12 }, (_, index) => `region-${index}`);
const settings: ArcTrafficSettings = {
  mechanism: 'arc',
  publicName: 'login.example.com',
  clusterEndpoints: ['a', 'b', 'c', 'd', 'e'].map((host, index) => ({ region: `endpoint-${index}`, url: `https://${host}.example.com` })),
  routingControls: Object.fromEntries(regions.map((region) => [region, `arn:aws:route53-recovery-control::1:controlpanel/p/routingcontrol/${region}`])),
  perEndpointTimeout: 100,
};

/** A cluster state the mock serves and updates, as ARC would. */
function serveStates(initial: Record<string, RoutingControlState>, applyUpdates = true) {
  const state = new Map(Object.entries(initial).map(([region, value]) => [settings.routingControls[region]!, value]));
  arc.on(GetRoutingControlStateCommand).callsFake(async (input: { RoutingControlArn: string }) => ({
    RoutingControlArn: input.RoutingControlArn,
    RoutingControlState: state.get(input.RoutingControlArn) ?? 'Off',
  }));
  arc.on(UpdateRoutingControlStatesCommand).callsFake(async (input: { UpdateRoutingControlStateEntries: Array<{ RoutingControlArn: string; RoutingControlState: RoutingControlState }> }) => {
    if (applyUpdates) for (const entry of input.UpdateRoutingControlStateEntries) state.set(entry.RoutingControlArn, entry.RoutingControlState);
    return {};
  });
}

describe('ArcRoutingControlRouter', () => {
  const budget = (caller: { clock: { now(): number } }) => ({ deadlineAt: caller.clock.now() + 10_000 });

  it('splits updates into batches of at most 10, the target On in the first', async () => {
    serveStates({ 'region-0': 'On' });
    const { caller } = offlineCaller();
    const router = new ArcRoutingControlRouter(settings, caller);
    await expect(router.routeTo('region-11', budget(caller))).resolves.toMatchObject({ changed: true });
    const batches = arc.commandCalls(UpdateRoutingControlStatesCommand).map((call) => call.args[0].input.UpdateRoutingControlStateEntries ?? []);
    expect(batches.map((batch) => batch.length)).toEqual([ARC_BATCH_LIMIT, 12 - ARC_BATCH_LIMIT]);
    expect(batches[0]?.[0]).toEqual({ RoutingControlArn: settings.routingControls['region-11'], RoutingControlState: 'On' });
    expect(batches.flat().filter((entry) => entry.RoutingControlState === 'On')).toHaveLength(1);
  });

  it('sends no update when the target is already the only one On', async () => {
    serveStates({ 'region-3': 'On' });
    const { caller } = offlineCaller();
    await expect(new ArcRoutingControlRouter(settings, caller).routeTo('region-3', budget(caller))).resolves.toMatchObject({ changed: false });
    expect(arc.commandCalls(UpdateRoutingControlStatesCommand)).toHaveLength(0);
  });

  it('fails verification (transient) when the states read back are not as set', async () => {
    serveStates({ 'region-0': 'On' }, false);
    const { caller } = offlineCaller();
    const failure = await new ArcRoutingControlRouter(settings, caller).routeTo('region-1', budget(caller)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TrafficVerificationError);
    expect(failure).toMatchObject({ transient: true, context: { target: 'region-1', active: ['region-0'] } });
  });

  it('rejects a region without a routing control before calling anything', async () => {
    const { caller } = offlineCaller();
    const failure = await new ArcRoutingControlRouter(settings, caller).routeTo('mars-1', budget(caller)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(InputError);
    expect((failure as Error).message).toContain('traffic.routingControls');
    expect(arc.calls()).toHaveLength(0);
  });
});
