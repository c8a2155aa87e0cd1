import type { Millis } from '../../../kernel/time.js';
import { streamKey, uniform, type StreamKey } from '../random.js';
import { parseScenario, type Incident, type ScenarioInput } from '../scenario.js';
import { KINDS, LONGEST_INCIDENT_MS, onsetOf, REGIONS, round, type Draw, type Kind } from './kinds.js';
import { PROFILES, type BenchProfile } from './profiles.js';

/**
 * The detection benchmark's workload: a long deployment under a profile's noise and background
 * conditions, and one injected incident per slot of time, of every kind in turn (kinds.ts). Each
 * incident carries what a correct controller should do about it.
 */

/**
 * - `warranted`: a failover away from the failed primary fixes it (counted in `incidents`).
 * - `unwarranted`: nothing to fix, or not by failing over (an app blip, a degraded-but-serving
 *   primary, flapping below the thresholds, a standby down); a failover is a false failover.
 * - `futile`: failover cannot help (global failure, an observer cut off, the primary partitioned from
 *   the other regions while clients still reach it); a failover is a wrong failover.
 * - `tolerated`: a failover is defensible either way (a primary flapping for tens of seconds at a
 *   time, an app down for 12-30 s).
 */
export type Expectation = 'warranted' | 'unwarranted' | 'futile' | 'tolerated';

/**
 * Which target a warranted incident counts toward: `region` (the app fails and the region under it
 * too: writer unreachable), `app` (the app alone, the region's own signals healthy), `slow-onset`
 * (a gray failure ramping up; time to decision counts from when it crosses the failure ratio).
 */
export type TargetGroup = 'region' | 'app' | 'slow-onset';

export interface BenchIncident {
  /** The workload kind (finer than the scenario kind: `gray-degraded`, `standby-outage`...). */
  label: string;
  expectation: Expectation;
  group?: TargetGroup;
  /** For a slow onset: how long after the incident's start its error rate crosses the failure ratio. */
  onsetMs?: Millis;
  incident: Incident;
}

export interface Workload {
  scenario: ScenarioInput;
  incidents: BenchIncident[];
  /** Background conditions of one replica at a time (the profile's flaky paths, starved processes); not scored. */
  background: Incident[];
  /** Simulated time per region. */
  durationMs: Millis;
}

const MINUTE = 60_000;
/** Region-hours per injected incident: sparse, as incidents are. */
const REGION_HOURS_PER_INCIDENT = 10;
/** Quiet time before each incident and time after it for every policy to react and settle. */
export const INCIDENT_LEAD_MS = 5 * MINUTE;
export const INCIDENT_TAIL_MS = 5 * MINUTE;

export const WORKLOAD_KINDS = KINDS.map((k) => ({ label: k.label, expectation: k.expectation, ...(k.group && { group: k.group }) }));

/** Every kind once, then the extra weight of each, so even a short run covers every kind. */
function deck(): Kind[] {
  const cards: Kind[] = [...KINDS];
  for (let pass = 1; pass < Math.max(...KINDS.map((k) => k.weight)); pass++) for (const kind of KINDS) if (kind.weight > pass) cards.push(kind);
  return cards;
}

function drawer(stream: StreamKey, counter: number): Draw {
  let salt = 0;
  const next = () => uniform(stream, counter, ++salt);
  return {
    between: (min, max) => min + (max - min) * next(),
    logBetween: (min, max) => Math.exp(Math.log(min) + (Math.log(max) - Math.log(min)) * next()),
    pick: (items) => items[Math.floor(next() * items.length)]!,
  };
}

/**
 * A profile's background conditions: periods of one replica at a time (in turn) on a flaky path or
 * starved of CPU, covering the profile's share of the time.
 */
function backgroundOf(profile: BenchProfile, seed: number, durationMs: Millis): Incident[] {
  const out: Incident[] = [];
  const replicas = REGIONS.map((r) => r.name);
  const place = (key: 'flaky' | 'starved', make: (d: Draw, vantage: string, at: Millis, lasting: Millis) => Incident) => {
    const settings = profile[key];
    if (!settings || settings.share <= 0) return;
    const stream = streamKey(seed, 'bench-background', key);
    let at = 0;
    for (let n = 0; ; n++) {
      const d = drawer(stream, n);
      const lasting = round(d.between(settings.minDuration, settings.maxDuration), 1000);
      // Gaps average what keeps the condition on for `share` of the time.
      const gap = settings.share >= 1 ? 0 : round(2 * d.between(0, 1) * lasting * ((1 - settings.share) / settings.share), 1000);
      at += gap;
      if (at + lasting > durationMs) break;
      out.push(make(d, replicas[n % replicas.length]!, at, lasting));
      at += lasting;
    }
  };
  place('flaky', (_d, vantage, at, lasting) => ({ kind: 'flaky', vantage, loss: profile.flaky!.loss, at, for: lasting }));
  place('starved', (d, vantage, at, lasting) => ({ kind: 'starve', vantage, lag: round(d.between(profile.starved!.minLag, profile.starved!.maxLag), 10), at, for: lasting }));
  return out;
}

/**
 * The benchmark's scenario for `regionHours` of simulated time over three regions (1 s probes, the
 * default detection settings, Route 53 checks as a fourth vantage point) under `profile`.
 */
export function detectionWorkload(seed: number, regionHours: number, profile: BenchProfile = PROFILES[0]!): Workload {
  const durationMs = Math.round((regionHours * 3_600_000) / REGIONS.length);
  const deployment: ScenarioInput = {
    name: 'detection-benchmark',
    seed,
    duration: durationMs,
    regions: REGIONS,
    // Three replicas each read every region's status about every 3 s (GetHealthCheckStatus refills
    // at 1/s for the account, shared); pooled, the `route53` vantage point is read about once a second.
    route53: { interval: 10_000, failureThreshold: 3, poll: 1_000 },
    noise: profile.noise,
    delivery: profile.delivery,
    skew: profile.skew,
  };
  const { probe, detection } = parseScenario(deployment).config;
  const slotMs = INCIDENT_LEAD_MS + LONGEST_INCIDENT_MS + INCIDENT_TAIL_MS;
  const count = Math.min(Math.floor(durationMs / slotMs), Math.ceil(regionHours / REGION_HOURS_PER_INCIDENT));
  const slot = count > 0 ? Math.floor(durationMs / count) : 0;
  const stream = streamKey(seed, 'bench-incident');
  const cards = deck();
  const incidents: BenchIncident[] = [];
  for (let i = 0; i < count; i++) {
    const kind = cards[i % cards.length]!;
    const draw = drawer(stream, i);
    const shape = kind.make(draw, probe, detection);
    const room = slot - INCIDENT_LEAD_MS - INCIDENT_TAIL_MS - shape.for;
    const at = round(i * slot + INCIDENT_LEAD_MS + draw.between(0, room), 1000);
    const onsetMs = onsetOf(shape, detection);
    incidents.push({ label: kind.label, expectation: kind.expectation, ...(kind.group && { group: kind.group }), ...(onsetMs !== undefined && { onsetMs }), incident: { ...shape, at } });
  }
  const background = backgroundOf(profile, seed, durationMs);
  const scenario: ScenarioInput = {
    ...deployment,
    description: `${regionHours} region-hours, ${count} injected incidents, profile ${profile.name}`,
    incidents: [...incidents.map((b) => b.incident), ...background],
  };
  return { scenario, incidents, background, durationMs };
}
