import {
  GetRoutingControlStateCommand,
  UpdateRoutingControlStatesCommand,
  type UpdateRoutingControlStateEntry,
} from '@aws-sdk/client-route53-recovery-cluster';
import type { AwsCaller } from '../../aws/caller.js';
import { InTurn } from '../../aws/in-turn.js';
import type { Config } from '../../config/schema.js';
import type { RegionName } from '../../domain/types.js';
import type { ChangeResult, StepBudget, TrafficRouter, TrafficState } from '../../ports.js';
import { describeActive, isOnlyActive, requireRegion, TrafficVerificationError } from './common.js';

export type ArcTrafficSettings = Extract<Config['traffic'], { mechanism: 'arc' }>;

/** UpdateRoutingControlStates takes at most 10 entries per call. */
export const ARC_BATCH_LIMIT = 10;

/**
 * Traffic by ARC routing controls (data plane: keeps working when a region's control planes do
 * not). One control per region; On means the region takes traffic.
 */
export class ArcRoutingControlRouter implements TrafficRouter {
  readonly mechanism = 'arc';
  /** The cluster's five regional endpoints, tried in turn, each with `perEndpointTimeout`. */
  private readonly cluster: InTurn<ArcTrafficSettings['clusterEndpoints'][number]>;

  constructor(
    private readonly settings: ArcTrafficSettings,
    caller: AwsCaller,
  ) {
    this.cluster = new InTurn(caller, settings.clusterEndpoints, {
      target: (endpoint, operation) => ({ service: 'arc', operation, region: endpoint.region, endpoint: endpoint.url }),
      attemptTimeout: settings.perEndpointTimeout,
    });
  }

  async read(budget: StepBudget): Promise<TrafficState> {
    const controls = Object.entries(this.settings.routingControls);
    const states = await this.cluster.call(
      'GetRoutingControlState',
      (clients, endpoint, signal) =>
        Promise.all(controls.map(([, arn]) => clients.arc(endpoint).send(new GetRoutingControlStateCommand({ RoutingControlArn: arn }), { abortSignal: signal }))),
      budget,
    );
    const detail: Record<RegionName, string> = {};
    const active: RegionName[] = [];
    controls.forEach(([region], index) => {
      const state = states[index]?.RoutingControlState ?? 'unknown';
      detail[region] = state;
      if (state === 'On') active.push(region);
    });
    return { active, detail };
  }

  /**
   * Sets the target On and every other control Off. The target's On goes in the first batch, with
   * the Offs, so an assertion rule "at least one On" holds within every update.
   */
  async routeTo(region: RegionName, budget: StepBudget): Promise<ChangeResult> {
    requireRegion(region, this.settings.routingControls, 'traffic.routingControls');
    const before = await this.read(budget);
    if (isOnlyActive(before, region)) {
      return { changed: false, detail: `routing control of ${region} is already the only one On` };
    }

    const entries: UpdateRoutingControlStateEntry[] = Object.entries(this.settings.routingControls)
      .map(([controlRegion, arn]) => ({ RoutingControlArn: arn, RoutingControlState: controlRegion === region ? 'On' : 'Off' }) as const)
      .sort((a, b) => (a.RoutingControlState === b.RoutingControlState ? 0 : a.RoutingControlState === 'On' ? -1 : 1));
    for (let start = 0; start < entries.length; start += ARC_BATCH_LIMIT) {
      const batch = entries.slice(start, start + ARC_BATCH_LIMIT);
      await this.cluster.call(
        'UpdateRoutingControlStates',
        (clients, endpoint, signal) => clients.arc(endpoint).send(new UpdateRoutingControlStatesCommand({ UpdateRoutingControlStateEntries: batch }), { abortSignal: signal }),
        budget,
      );
    }

    const after = await this.read(budget);
    if (!isOnlyActive(after, region)) throw new TrafficVerificationError(region, after);
    return { changed: true, detail: `routing controls set: ${region} On, others Off (was: ${describeActive(before)} On)` };
  }
}
