import type { Millis } from '../../../kernel/time.js';
import { resolveProbe } from '../probes.js';
import { streamKey } from '../random.js';
import type { BaselineContext, BaselinePolicy } from './policy.js';

interface PatroniState {
  leader: string;
  lastRenewal: Millis;
  loop: number;
}

const LEADER_TTL_MS = 30_000;
const LOOP_MS = 10_000;
/** The agent's own health check gives up after this long. */
const LOCAL_CHECK_TIMEOUT_MS = 2_000;

/**
 * A Patroni-style leader lease: the agent in the primary region checks its local service every
 * loop and, while healthy, renews a leader key (TTL 30 s) in a consensus store spread across the
 * regions. When the key expires, another region's agent takes the lead: that is the failover.
 *
 * What it cannot tell apart: it checks over the local path, so it never sees a vantage point being
 * cut off from a region (neither a false alarm nor a signal); a global failure fails its local
 * check like a regional one, so it fails over, and again from the new leader (wrong failovers);
 * and an agent that cannot reach a majority of regions cannot renew (Patroni demotes itself), so
 * an isolated primary region is failed over even when its users are served.
 */
export const patroniLike: BaselinePolicy<PatroniState> = {
  name: 'patroni-like',
  description: `leader key TTL ${LEADER_TTL_MS / 1000}s renewed every ${LOOP_MS / 1000}s by the primary's agent while its local check passes`,
  cadenceMs: LOOP_MS,
  warmupMs: LEADER_TTL_MS + LOOP_MS,
  init(context: BaselineContext, at: Millis): PatroniState {
    return { leader: context.primary, lastRenewal: at, loop: Math.floor(at / LOOP_MS) };
  },
  step(state: PatroniState, context: BaselineContext, at: Millis) {
    const { world, regions } = context;
    const canRenew = (region: string, loop: number): boolean => {
      if (world.replicaDown(region, at)) return false;
      if (world.reachableRegions(region, at) <= regions.length / 2) return false;
      const effect = world.effect(region, region, context.service, at, 'local');
      const timing = { intervalMs: LOOP_MS, timeoutMs: LOCAL_CHECK_TIMEOUT_MS, ...context.latency };
      // A starved agent answers its own check late, as any process would.
      return resolveProbe(streamKey(context.seed, 'patroni-local', region), loop, effect, undefined, timing, world.starvation(region, at)).outcome === 'ok';
    };
    const loop = state.loop + 1;
    const renewed = canRenew(state.leader, loop);
    const lastRenewal = renewed ? at : state.lastRenewal;
    if (renewed || at - lastRenewal < LEADER_TTL_MS) return { state: { ...state, lastRenewal, loop } };
    // The key expired: the first other agent that is up and can reach the store takes the lead.
    const successor = regions.find((r) => r !== state.leader && !world.replicaDown(r, at) && world.reachableRegions(r, at) > regions.length / 2);
    if (!successor) return { state: { ...state, lastRenewal, loop } };
    return {
      state: { leader: successor, lastRenewal: at, loop },
      flip: { kind: 'failover' as const, from: state.leader, to: successor, reason: `leader key of ${state.leader} expired ${Math.round((at - lastRenewal) / 1000)}s after its last renewal` },
    };
  },
};
