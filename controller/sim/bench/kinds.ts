import type { Config } from '../../config/schema.js';
import type { Millis } from '../../../kernel/time.js';
import type { Incident } from '../scenario.js';
import type { Expectation, TargetGroup } from './workload.js';

/**
 * The incident kinds the detection benchmark injects, each with what a correct controller should
 * do about it and how often it comes up. The deployment: three regions, us-east-1 the primary.
 */

export const REGIONS = [
  { name: 'us-east-1', role: 'primary' as const },
  { name: 'us-west-2', role: 'standby' as const },
  { name: 'eu-west-1', role: 'standby' as const },
];
const PRIMARY = REGIONS[0]!.name;
const STANDBYS = REGIONS.slice(1).map((r) => r.name);
const SECOND = 1000;
const MINUTE = 60 * SECOND;
export const LONGEST_INCIDENT_MS = 10 * MINUTE;

export interface Draw {
  between(min: number, max: number): number;
  /** Log-uniform: as many 15-30 s outages as 2-4 minute ones. */
  logBetween(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
}

type Detection = Config['detection'];
type Probe = Config['probe'];
/** An incident before it is placed in time (each kind keeps its own fields). */
type WithoutAt<T> = T extends unknown ? Omit<T, 'at'> : never;
export type IncidentShape = WithoutAt<Incident>;

export interface Kind {
  label: string;
  expectation: Expectation;
  group?: TargetGroup;
  /** How many of every `sum(weights)` incidents are of this kind. */
  weight: number;
  make(draw: Draw, probe: Probe, detection: Detection): IncidentShape;
}

export const round = (ms: number, to = 100) => Math.round(ms / to) * to;

/** The longest down phase whose failures cannot fill `failureRatio` of a detection window. */
function longestFlap(probe: Probe, detection: Detection): Millis {
  const samples = Math.floor(detection.window / probe.interval);
  return Math.max(probe.interval, (Math.ceil(detection.failureRatio * samples) - 1) * probe.interval);
}

/** Blips of 1-12 s of one kind: the app misbehaves, the region under it does not. */
const blip = (mode: '503' | 'restart' | 'stall'): Kind => ({
  label: `blip-${mode}`,
  expectation: 'unwarranted',
  weight: 3,
  make: (d) => ({ kind: 'blip', region: PRIMARY, mode, for: round(d.between(1 * SECOND, 12 * SECOND)) }),
});

export const KINDS: Kind[] = [
  { label: 'region-outage', expectation: 'warranted', group: 'region', weight: 8, make: (d) => ({ kind: 'outage', scope: 'region', region: PRIMARY, for: round(d.logBetween(15 * SECOND, 5 * MINUTE)) }) },
  { label: 'region-hang', expectation: 'warranted', group: 'region', weight: 4, make: (d) => ({ kind: 'hang', scope: 'region', region: PRIMARY, for: round(d.logBetween(15 * SECOND, 3 * MINUTE)) }) },
  { label: 'app-outage', expectation: 'warranted', group: 'app', weight: 4, make: (d) => ({ kind: 'outage', scope: 'app', region: PRIMARY, for: round(d.logBetween(30 * SECOND, 5 * MINUTE)) }) },
  { label: 'app-hang', expectation: 'warranted', group: 'app', weight: 2, make: (d) => ({ kind: 'hang', scope: 'app', region: PRIMARY, for: round(d.logBetween(30 * SECOND, 3 * MINUTE)) }) },
  {
    label: 'gray-failing',
    expectation: 'warranted',
    group: 'app',
    weight: 3,
    make: (d) => ({ kind: 'gray', region: PRIMARY, errorRate: d.between(0.85, 1), status: d.pick([500, 503] as const), rampUp: 0, for: round(d.between(1 * MINUTE, 4 * MINUTE)) }),
  },
  {
    // Most probes beyond the probe timeout, the rest slower than the latency budget.
    label: 'brownout-failing',
    expectation: 'warranted',
    group: 'app',
    weight: 3,
    make: (d, probe) => ({ kind: 'brownout', region: PRIMARY, addedLatency: round(d.between(1.5, 3) * probe.timeout, 10), spread: 0.5, for: round(d.between(1 * MINUTE, 4 * MINUTE)) }),
  },
  {
    // An error rate ramping from 0 to 75-100% over 1-3 minutes, then holding for 2-4 minutes.
    label: 'slow-onset',
    expectation: 'warranted',
    group: 'slow-onset',
    weight: 3,
    make: (d) => {
      const rampUp = round(d.between(1 * MINUTE, 3 * MINUTE));
      return { kind: 'gray', region: PRIMARY, errorRate: d.between(0.75, 1), status: d.pick([500, 503, 429] as const), rampUp, for: rampUp + round(d.between(2 * MINUTE, 4 * MINUTE)) };
    },
  },
  blip('503'),
  blip('restart'),
  blip('stall'),
  { label: 'app-short', expectation: 'tolerated', weight: 1, make: (d) => ({ kind: 'outage', scope: 'app', region: PRIMARY, for: round(d.between(12 * SECOND, 30 * SECOND)) }) },
  {
    label: 'gray-degraded',
    expectation: 'unwarranted',
    weight: 3,
    make: (d) => ({ kind: 'gray', region: PRIMARY, errorRate: d.between(0.02, 0.15), status: d.pick([500, 503, 429] as const), rampUp: 0, for: round(d.between(1 * MINUTE, 5 * MINUTE)) }),
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
    make: (d) => ({ kind: 'global', mode: 'errors', errorRate: d.between(0.6, 1), status: d.pick([429, 500] as const), for: round(d.between(1 * MINUTE, LONGEST_INCIDENT_MS)) }),
  },
  { label: 'cutoff', expectation: 'futile', weight: 3, make: (d) => ({ kind: 'cutoff', vantage: d.pick(STANDBYS), region: PRIMARY, for: round(d.between(1 * MINUTE, LONGEST_INCIDENT_MS)) }) },
  { label: 'isolation', expectation: 'futile', weight: 3, make: (d) => ({ kind: 'isolation', vantage: d.pick(REGIONS.map((r) => r.name)), for: round(d.between(1 * MINUTE, LONGEST_INCIDENT_MS)) }) },
  { label: 'partition', expectation: 'futile', weight: 2, make: (d) => ({ kind: 'partition', region: PRIMARY, for: round(d.between(1 * MINUTE, LONGEST_INCIDENT_MS)) }) },
  {
    label: 'flapping-below',
    expectation: 'unwarranted',
    weight: 2,
    make: (d, probe, detection) => ({ kind: 'flapping', region: PRIMARY, down: round(d.between(probe.interval, longestFlap(probe, detection))), up: round(d.between(8 * SECOND, 20 * SECOND)), for: round(d.between(2 * MINUTE, 5 * MINUTE)) }),
  },
  {
    label: 'flapping-above',
    expectation: 'tolerated',
    weight: 1,
    make: (d) => ({ kind: 'flapping', region: PRIMARY, down: round(d.between(20 * SECOND, 60 * SECOND)), up: round(d.between(20 * SECOND, 60 * SECOND)), for: round(d.between(2 * MINUTE, 5 * MINUTE)) }),
  },
  { label: 'standby-outage', expectation: 'unwarranted', weight: 2, make: (d) => ({ kind: 'outage', scope: 'region', region: d.pick(STANDBYS), for: round(d.logBetween(30 * SECOND, 5 * MINUTE)) }) },
];

/** For a slow onset: how long after its start the error rate crosses the failure ratio. */
export function onsetOf(shape: IncidentShape, detection: Detection): Millis | undefined {
  if (shape.kind !== 'gray' || shape.rampUp <= 0) return undefined;
  return Math.round((shape.rampUp * Math.min(1, detection.failureRatio / shape.errorRate)) / 100) * 100;
}
