import type { Millis } from '../../kernel/time.js';
import type { Incident } from './scenario.js';

/**
 * The ground truth: what each incident does to a probe sent at a given time, from a given vantage
 * point, to a given service in a given region. Noise is not part of it (see noise.ts); the prober
 * combines both.
 */

/** An incident placed on the absolute clock. */
export type TimedIncident = Incident & { index: number; start: Millis; end: Millis };

/** What the incidents active at one instant do to one probe. */
export interface ProbeEffect {
  /** Connection refused (the region or service is down). */
  refused: boolean;
  /** No answer at all: the probe times out. */
  hang: boolean;
  /** Share of requests answered with an HTTP error. */
  errorRate: number;
  errorStatus: number;
  /** Extra latency and its spread (a share of it), from a brownout. */
  addedMs: number;
  spread: number;
  /** Share of probes lost on the way (a flaky path). */
  lossRate: number;
}

/** `network`: a probe across the network (replicas, Route 53); `local`: an agent checking its own region. */
export type ProbePath = 'network' | 'local';

function inFlappingDownPhase(incident: Extract<Incident, { kind: 'flapping' }>, start: Millis, at: Millis): boolean {
  return (at - start) % (incident.down + incident.up) < incident.down;
}

/** Independent error sources combine: a request survives only if it survives each. */
function addErrors(effect: ProbeEffect, rate: number, status: number): void {
  effect.errorRate = 1 - (1 - effect.errorRate) * (1 - rate);
  effect.errorStatus = status;
}

/** Whether a partition of `cut` from the other regions lies between a replica in `vantage` and `region`. */
function acrossPartition(cut: string, vantage: string, region: string, replicas: readonly string[]): boolean {
  return replicas.includes(vantage) && vantage !== region && (vantage === cut || region === cut);
}

/** The share of requests failing at `at`: a slow onset reaches its rate linearly over `rampUp`. */
function grayRate(incident: Extract<TimedIncident, { kind: 'gray' }>, at: Millis): number {
  if (incident.rampUp <= 0) return incident.errorRate;
  return incident.errorRate * Math.min(1, (at - incident.start) / incident.rampUp);
}

/** Whether the incident takes the whole region down (its replica, writer and AWS APIs), not only its app. */
function regionWide(incident: TimedIncident, kind: 'outage' | 'hang', region: string): boolean {
  return incident.kind === kind && incident.scope === 'region' && !incident.services && incident.region === region;
}

/** Whether an active incident affects a probe from `vantage` to `region` at `at`. */
function touches(incident: TimedIncident, vantage: string, region: string, at: Millis, path: ProbePath, replicas: readonly string[]): boolean {
  switch (incident.kind) {
    case 'global':
      return true;
    case 'partition':
      return path === 'network' && acrossPartition(incident.region, vantage, region, replicas);
    case 'cutoff':
      return path === 'network' && incident.vantage === vantage && incident.region === region;
    case 'isolation':
    case 'flaky':
      return path === 'network' && incident.vantage === vantage;
    case 'starve':
      // The observer's own trouble, not the target's: see `starvation`.
      return false;
    case 'flapping':
      return incident.region === region && inFlappingDownPhase(incident, incident.start, at);
    default:
      return incident.region === region;
  }
}

export class World {
  readonly incidents: readonly TimedIncident[];
  private readonly longest: Millis;

  constructor(
    incidents: readonly Incident[],
    readonly startAt: Millis,
    readonly regions: readonly string[],
  ) {
    this.incidents = incidents
      .map((incident, index) => ({ ...incident, index, start: startAt + incident.at, end: startAt + incident.at + incident.for }))
      .sort((a, b) => a.start - b.start || a.index - b.index);
    this.longest = this.incidents.reduce((max, i) => Math.max(max, i.for), 0);
  }

  /** Index just past the last incident starting at or before `at`. */
  private startedBy(at: Millis): number {
    const list = this.incidents;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid]!.start <= at) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Incidents overlapping [from, to] (start <= to and end > from). */
  overlapping(from: Millis, to: Millis): TimedIncident[] {
    const found: TimedIncident[] = [];
    for (let i = this.startedBy(to) - 1; i >= 0; i--) {
      const incident = this.incidents[i]!;
      // Sorted by start: once an incident started before anything still running could have, stop.
      if (incident.start < from - this.longest) break;
      if (incident.end > from) found.push(incident);
    }
    return found;
  }

  /** The incidents active throughout [from, to): the last answer of `activeAt`, reused while it holds. */
  private active: { from: Millis; to: Millis; incidents: TimedIncident[] } = { from: 0, to: 0, incidents: [] };

  /** Incidents active at `at` (start <= at < end). */
  activeAt(at: Millis): TimedIncident[] {
    const cached = this.active;
    if (at >= cached.from && at < cached.to) return cached.incidents;
    const incidents = this.overlapping(at, at);
    // The set holds until the next start after `at` or the first end among them (and since the last change before `at`).
    const next = this.startedBy(at);
    let to = next < this.incidents.length ? this.incidents[next]!.start : Infinity;
    for (const i of incidents) to = Math.min(to, i.end);
    let from = -Infinity;
    for (let i = next - 1; i >= 0; i--) {
      const incident = this.incidents[i]!;
      // Sorted by start: an incident that ended before the latest change found so far cannot be later.
      if (incident.start + this.longest <= from) break;
      from = Math.max(from, incident.start);
      if (incident.end <= at) from = Math.max(from, incident.end);
    }
    this.active = { from, to, incidents };
    return incidents;
  }

  /** Whether no incident overlaps [from, to]: the ground truth is quiet there. */
  quietBetween(from: Millis, to: Millis): boolean {
    return this.overlapping(from, to).length === 0;
  }

  /** The effect on one probe sent at `at`, or undefined when no incident touches it. */
  effect(vantage: string, region: string, service: string, at: Millis, path: ProbePath = 'network'): ProbeEffect | undefined {
    let effect: ProbeEffect | undefined;
    for (const incident of this.activeAt(at)) {
      if (incident.services && !incident.services.includes(service)) continue;
      if (!touches(incident, vantage, region, at, path, this.regions)) continue;
      effect ??= { refused: false, hang: false, errorRate: 0, errorStatus: 0, addedMs: 0, spread: 0, lossRate: 0 };
      switch (incident.kind) {
        case 'outage':
        case 'flapping':
          effect.refused = true;
          break;
        case 'blip':
          if (incident.mode === 'restart') effect.refused = true;
          else if (incident.mode === 'stall') effect.hang = true;
          else addErrors(effect, 1, 503);
          break;
        case 'flaky':
          effect.lossRate = 1 - (1 - effect.lossRate) * (1 - incident.loss);
          break;
        case 'hang':
        case 'cutoff':
        case 'isolation':
        case 'partition':
          effect.hang = true;
          break;
        case 'global':
          if (incident.mode === 'hang') effect.hang = true;
          else addErrors(effect, incident.errorRate, incident.status);
          break;
        case 'gray':
          addErrors(effect, grayRate(incident, at), incident.status);
          break;
        case 'brownout':
          effect.addedMs += incident.addedLatency;
          effect.spread = Math.max(effect.spread, incident.spread);
          break;
      }
    }
    return effect;
  }

  /** Whether the controller replica (and any agent) running in `region` is down: a whole-region outage or hang. */
  replicaDown(region: string, at: Millis): boolean {
    return this.activeAt(at).some((i) => regionWide(i, 'outage', region) || regionWide(i, 'hang', region));
  }

  /**
   * Whether a database status read finishing at `at` finds the region's writer (its RDS API and
   * cluster) answering: a region that is gone refuses at once; a hung one fails the read only when
   * its deadline passes (`readTimeout` after it began).
   */
  writerAnswers(region: string, at: Millis, readTimeout: Millis): boolean {
    if (this.activeAt(at).some((i) => regionWide(i, 'outage', region))) return false;
    return !this.activeAt(at - readTimeout).some((i) => regionWide(i, 'hang', region));
  }

  /** When replication between `writer` and `secondary` was cut by a partition active at `at`, if it is. */
  replicationCutSince(writer: string, secondary: string, at: Millis): Millis | undefined {
    let since: Millis | undefined;
    for (const i of this.activeAt(at)) if (i.kind === 'partition' && (i.region === writer || i.region === secondary)) since = Math.min(since ?? i.start, i.start);
    return since;
  }

  /** How late a starved replica in `vantage` sends and reads at `at` (0 when it is not starved). */
  starvation(vantage: string, at: Millis): Millis {
    let lag = 0;
    for (const i of this.activeAt(at)) if (i.kind === 'starve' && i.vantage === vantage) lag = Math.max(lag, i.lag);
    return lag;
  }

  /** How many regions a process in `vantage` can reach over the network at `at` (its own included). */
  reachableRegions(vantage: string, at: Millis): number {
    const active = this.activeAt(at);
    if (active.some((i) => i.kind === 'isolation' && i.vantage === vantage)) return 0;
    const cut = (i: TimedIncident, r: string) => (i.kind === 'cutoff' && i.vantage === vantage && i.region === r) || (i.kind === 'partition' && acrossPartition(i.region, vantage, r, this.regions));
    return this.regions.filter((r) => !active.some((i) => cut(i, r))).length;
  }
}
