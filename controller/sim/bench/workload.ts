import type { Config } from '../../config/schema.js';
import type { Millis } from '../../domain/time.js';
import { streamKey, uniform, type StreamKey } from '../random.js';
import { parseScenario, type Incident, type ScenarioInput } from '../scenario.js';

/**
 * The detection benchmark's workload: a long quiet deployment with the default noise, and one
 * injected incident per slot of time, of every kind in turn. Each incident carries what a correct
 * controller should do about it.
 */

/**
 * - `warranted`: a failover away from the failed primary fixes it (counted in `incidents`).
 * - `unwarranted`: nothing to fix, or not by failing over (a degraded-but-serving primary, flapping
 *   below the thresholds, a standby down); a failover is a false failover.
 * - `futile`: failover cannot help (global failure, an observer cut off, the primary partitioned from
 *   the other regions while clients still reach it); a failover is a wrong failover.
 * - `tolerated`: a failover is defensible either way (a primary flapping for tens of seconds at a time).
 */
export type Expectation = 'warranted' | 'unwarranted' | 'futile' | 'tolerated';

export interface BenchIncident {
  /** The workload kind (finer than the scenario kind: `gray-degraded`, `standby-outage`...). */
  label: string;
  expectation: Expectation;
  incident: Incident;
}

export interface Workload {
  scenario: ScenarioInput;
  incidents: BenchIncident[];
  /** Simulated time per region. */
  durationMs: Millis;
}

const REGIONS = [
  { name: 'us-east-1', role: 'primary' as const },
  { name: 'us-west-2', role: 'standby' as const },
  { name: 'eu-west-1', role: 'standby' as const },
];
const PRIMARY = REGIONS[0]!.name;
const STANDBYS = REGIONS.slice(1).map((r) => r.name);
const SECOND = 1000;
const MINUTE = 60 * SECOND;

/** Region-hours per injected incident: sparse, as incidents are. */
const REGION_HOURS_PER_INCIDENT = 10;
/** Quiet time before each incident and time after it for every policy to react and settle. */
export const INCIDENT_LEAD_MS = 5 * MINUTE;
export const INCIDENT_TAIL_MS = 5 * MINUTE;
const LONGEST_INCIDENT_MS = 10 * MINUTE;

interface Draw {
  between(min: number, max: number): number;
  /** Log-uniform: as many 15-30 s outages as 2-4 minute ones. */
  logBetween(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
}

type Detection = Config['detection'];
type Probe = Config['probe'];
/** An incident before it is placed in time (each kind keeps its own fields). */
type WithoutAt<T> = T extends unknown ? Omit<T, 'at'> : never;
type IncidentShape = WithoutAt<Incident>;

interface Kind {
  label: string;
  expectation: Expectation;
  /** How many of every `sum(weights)` incidents are of this kind. */
  weight: number;
  make(draw: Draw, probe: Probe, detection: Detection): IncidentShape;
}

const round = (ms: number, to = 100) => Math.round(ms / to) * to;

/** The longest down phase whose failures cannot fill `failureRatio` of a detection window. */
function longestBlip(probe: Probe, detection: Detection): Millis {
  const samples = Math.floor(detection.window / probe.interval);
  return Math.max(probe.interval, (Math.ceil(detection.failureRatio * samples) - 1) * probe.interval);
}

const KINDS: Kind[] = [
  { label: 'outage', expectation: 'warranted', weight: 8, make: (d) => ({ kind: 'outage', region: PRIMARY, for: round(d.logBetween(15 * SECOND, 5 * MINUTE)) }) },
  { label: 'hang', expectation: 'warranted', weight: 4, make: (d) => ({ kind: 'hang', region: PRIMARY, for: round(d.logBetween(15 * SECOND, 3 * MINUTE)) }) },
  {
    label: 'gray-failing',
    expectation: 'warranted',
    weight: 3,
    make: (d) => ({ kind: 'gray', region: PRIMARY, errorRate: d.between(0.85, 1), status: d.pick([500, 503] as const), for: round(d.between(1 * MINUTE, 4 * MINUTE)) }),
  },
  {
    label: 'gray-degraded',
    expectation: 'unwarranted',
    weight: 3,
    make: (d) => ({ kind: 'gray', region: PRIMARY, errorRate: d.between(0.02, 0.1), status: d.pick([500, 503] as const), for: round(d.between(1 * MINUTE, 5 * MINUTE)) }),
  },
  {
    // Most probes beyond the probe timeout, the rest slower than the latency budget.
    label: 'brownout-failing',
    expectation: 'warranted',
    weight: 3,
    make: (d, probe) => ({ kind: 'brownout', region: PRIMARY, addedLatency: round(d.between(1.5, 3) * probe.timeout, 10), spread: 0.5, for: round(d.between(1 * MINUTE, 4 * MINUTE)) }),
  },
  {
    // Slow but every probe answered within the timeout: degraded, serving.
    label: 'brownout-slow',
    expectation: 'unwarranted',
    weight: 3,
    make: (d, probe) => ({ kind: 'brownout', region: PRIMARY, addedLatency: round(d.between(0.3, 0.45) * probe.timeout, 10), spread: 0.5, for: round(d.between(1 * MINUTE, 5 * MINUTE)) }),
  },
  { label: 'global-hang', expectation: 'futile', weight: 2, make: (d) => ({ kind: 'global', mode: 'hang', errorRate: 1, status: 429, for: round(d.between(1 * MINUTE, LONGEST_INCIDENT_MS)) }) },
  {
    label: 'global-errors',
    expectation: 'futile',
    weight: 2,
    make: (d) => ({ kind: 'global', mode: 'errors', errorRate: d.between(0.9, 1), status: d.pick([429, 500] as const), for: round(d.between(1 * MINUTE, LONGEST_INCIDENT_MS)) }),
  },
  { label: 'cutoff', expectation: 'futile', weight: 3, make: (d) => ({ kind: 'cutoff', vantage: d.pick(STANDBYS), region: PRIMARY, for: round(d.between(1 * MINUTE, LONGEST_INCIDENT_MS)) }) },
  { label: 'isolation', expectation: 'futile', weight: 3, make: (d) => ({ kind: 'isolation', vantage: d.pick(REGIONS.map((r) => r.name)), for: round(d.between(1 * MINUTE, LONGEST_INCIDENT_MS)) }) },
  { label: 'partition', expectation: 'futile', weight: 2, make: (d) => ({ kind: 'partition', region: PRIMARY, for: round(d.between(1 * MINUTE, LONGEST_INCIDENT_MS)) }) },
  {
    label: 'flapping-below',
    expectation: 'unwarranted',
    weight: 2,
    make: (d, probe, detection) => ({ kind: 'flapping', region: PRIMARY, down: round(d.between(probe.interval, longestBlip(probe, detection))), up: round(d.between(8 * SECOND, 20 * SECOND)), for: round(d.between(2 * MINUTE, 5 * MINUTE)) }),
  },
  {
    label: 'flapping-above',
    expectation: 'tolerated',
    weight: 1,
    make: (d) => ({ kind: 'flapping', region: PRIMARY, down: round(d.between(20 * SECOND, 60 * SECOND)), up: round(d.between(20 * SECOND, 60 * SECOND)), for: round(d.between(2 * MINUTE, 5 * MINUTE)) }),
  },
  { label: 'standby-outage', expectation: 'unwarranted', weight: 2, make: (d) => ({ kind: 'outage', region: d.pick(STANDBYS), for: round(d.logBetween(30 * SECOND, 5 * MINUTE)) }) },
];

export const WORKLOAD_KINDS = KINDS.map((k) => ({ label: k.label, expectation: k.expectation }));

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
 * The benchmark's scenario for `regionHours` of simulated time over three regions (1 s probes, the
 * default detection settings, Route 53 checks as a fourth vantage point, default noise).
 */
export function detectionWorkload(seed: number, regionHours: number): Workload {
  const durationMs = Math.round((regionHours * 3_600_000) / REGIONS.length);
  const deployment: ScenarioInput = {
    name: 'detection-benchmark',
    seed,
    duration: durationMs,
    regions: REGIONS,
    // Three replicas each read every region's status about every 3 s (GetHealthCheckStatus refills
    // at 1/s for the account, shared); pooled, the `route53` vantage point is read about once a second.
    route53: { interval: 10_000, failureThreshold: 3, poll: 1_000 },
    noise: 'default',
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
    incidents.push({ label: kind.label, expectation: kind.expectation, incident: { ...shape, at } });
  }
  const scenario: ScenarioInput = {
    ...deployment,
    description: `${regionHours} region-hours, ${count} injected incidents, default noise`,
    incidents: incidents.map((b) => b.incident),
  };
  return { scenario, incidents, durationMs };
}
