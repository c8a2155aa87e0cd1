import { NOISE_PROFILES } from '../../../../../controller/sim/noise.js';
import { runBaseline, type BaselineContext, type BaselinePolicy } from '../../../../../controller/sim/baselines/policy.js';
import type { Incident } from '../../../../../controller/sim/scenario.js';
import { World } from '../../../../../controller/sim/world.js';

export const START = 3_000_000;
export const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];
export const MINUTE = 60_000;

export function context(...incidents: Incident[]): BaselineContext {
  return contextWithSeed(5, ...incidents);
}

export function contextWithSeed(seed: number, ...incidents: Incident[]): BaselineContext {
  return { world: new World(incidents, START, REGIONS), seed, regions: REGIONS, primary: 'us-east-1', service: 'api', latency: { baseMs: 20, jitterMs: 40 }, noise: NOISE_PROFILES.none };
}

/** Runs a policy over the first 10 minutes and returns its flips as offsets from the start. */
export function flips<S>(policy: BaselinePolicy<S>, ...incidents: Incident[]) {
  return runBaseline(policy, context(...incidents), [{ from: START, to: START + 10 * MINUTE }]).map((f) => ({ ...f, at: f.at - START }));
}

export const outage: Incident = { kind: 'outage', scope: 'region', region: 'us-east-1', at: 2 * MINUTE, for: 3 * MINUTE };
