import type { Millis } from '../../../kernel/time.js';
import { BASELINES } from '../baselines/index.js';
import type { BaselineContext } from '../baselines/policy.js';
import { parseScenario, type Incident, type ScenarioInput } from '../scenario.js';
import { Simulation } from '../simulator.js';
import { REGIONS } from './kinds.js';
import type { BenchProfile } from './profiles.js';

/**
 * The blip-tolerance curve: for each kind of app-level blip (a burst of 503s, a restart refusing
 * connections, a stall) and each policy, the shortest blip that triggers a failover, under the
 * profile's noise (and its background condition, if it has one, on a standby's replica for the
 * whole run). Blips are tried from 1 s up, a second at a time, each on several seeds; the first
 * duration at which any seed moves traffic is the policy's tolerance.
 */

export type BlipMode = '503' | 'restart' | 'stall';
export const BLIP_MODES: readonly BlipMode[] = ['503', 'restart', 'stall'];

export interface BlipCurveOptions {
  seed: number;
  /** Seeds per duration. */
  seeds: number;
  /** Longest blip tried. */
  maxMs: Millis;
  stepMs: Millis;
}

/** Per blip kind, per policy: the shortest blip that moved traffic, or null when none up to `maxMs` did. */
export type BlipCurve = Record<BlipMode, Record<string, Millis | null>>;

const LEAD_MS = 2 * 60_000;
const TAIL_MS = 3 * 60_000;
const PRIMARY = REGIONS[0]!.name;

/** The profile's background condition, on one standby's replica for the whole run. */
function background(profile: BenchProfile, durationMs: Millis): Incident[] {
  const vantage = REGIONS[1]!.name;
  if (profile.flaky) return [{ kind: 'flaky', vantage, loss: profile.flaky.loss, at: 0, for: durationMs }];
  if (profile.starved) return [{ kind: 'starve', vantage, lag: profile.starved.maxLag, at: 0, for: durationMs }];
  return [];
}

function blipScenario(profile: BenchProfile, mode: BlipMode, blipMs: Millis, seed: number): ScenarioInput {
  const duration = LEAD_MS + blipMs + TAIL_MS;
  return {
    name: 'blip-curve',
    seed,
    duration,
    regions: REGIONS,
    route53: { interval: 10_000, failureThreshold: 3, poll: 1_000 },
    noise: profile.noise,
    delivery: profile.delivery,
    skew: profile.skew,
    incidents: [{ kind: 'blip', region: PRIMARY, mode, at: LEAD_MS, for: blipMs }, ...background(profile, duration)],
  };
}

/** Which policies move traffic on one blip scenario. */
function moversOn(input: ScenarioInput): Set<string> {
  const scenario = parseScenario(input);
  const simulation = new Simulation(scenario);
  const moved = new Set<string>();
  if (simulation.run({ mode: 'flips', engineLifetime: 'per-episode', timeline: false }).flips.length > 0) moved.add('fcp');
  const context: BaselineContext = {
    world: simulation.world,
    seed: scenario.seed,
    regions: scenario.config.regions.map((r) => r.name),
    primary: PRIMARY,
    service: scenario.config.services.find((s) => s.critical)!.name,
    latency: { baseMs: scenario.latency.base, jitterMs: scenario.latency.jitter },
    noise: scenario.noise,
  };
  const span = [{ from: scenario.startAt + LEAD_MS, to: scenario.startAt + scenario.duration }];
  for (const baseline of BASELINES) if (baseline.run(context, span).some((f) => f.kind === 'failover')) moved.add(baseline.name);
  return moved;
}

export const POLICY_NAMES = ['fcp', ...BASELINES.map((b) => b.name)];

export function blipCurve(profile: BenchProfile, options: BlipCurveOptions): BlipCurve {
  const curve = {} as BlipCurve;
  for (const mode of BLIP_MODES) {
    const found: Record<string, Millis | null> = Object.fromEntries(POLICY_NAMES.map((name) => [name, null]));
    for (let blipMs = options.stepMs; blipMs <= options.maxMs && Object.values(found).some((v) => v === null); blipMs += options.stepMs) {
      for (let s = 0; s < options.seeds; s++) {
        for (const name of moversOn(blipScenario(profile, mode, blipMs, options.seed * 1000 + s))) found[name] ??= blipMs;
      }
    }
    curve[mode] = found;
  }
  return curve;
}
