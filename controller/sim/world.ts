import type { Millis } from '../domain/time.js';
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
}

/** `network`: a probe across the network (replicas, Route 53); `local`: an agent checking its own region. */
export type ProbePath = 'network' | 'local';

function inFlappingDownPhase(incident: Extract<Incident, { kind: 'flapping' }>, start: Millis, at: Millis): boolean {
  return (at - start) % (incident.down + incident.up) < incident.down;
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

  /** Incidents active at `at` (start <= at < end). */
  activeAt(at: Millis): TimedIncident[] {
    const list = this.incidents;
    // The last incident starting at or before `at`, then back while one could still be running.
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid]!.start <= at) lo = mid + 1;
      else hi = mid;
    }
    const active: TimedIncident[] = [];
    for (let i = lo - 1; i >= 0; i--) {
      const incident = list[i]!;
      if (incident.start < at - this.longest) break;
      if (at < incident.end) active.push(incident);
    }
    return active;
  }

  /** The effect on one probe sent at `at`, or undefined when no incident touches it. */
  effect(vantage: string, region: string, service: string, at: Millis, path: ProbePath = 'network'): ProbeEffect | undefined {
    let effect: ProbeEffect | undefined;
    const touch = (): ProbeEffect => (effect ??= { refused: false, hang: false, errorRate: 0, errorStatus: 0, addedMs: 0, spread: 0 });
    for (const incident of this.activeAt(at)) {
      if (incident.services && !incident.services.includes(service)) continue;
      switch (incident.kind) {
        case 'outage':
          if (incident.region === region) touch().refused = true;
          break;
        case 'hang':
          if (incident.region === region) touch().hang = true;
          break;
        case 'flapping':
          if (incident.region === region && inFlappingDownPhase(incident, incident.start, at)) touch().refused = true;
          break;
        case 'gray':
        case 'global':
          if (incident.kind === 'gray' && incident.region !== region) break;
          if (incident.kind === 'global' && incident.mode === 'hang') {
            touch().hang = true;
            break;
          }
          {
            // Independent error sources combine: a request survives only if it survives each.
            const e = touch();
            e.errorRate = 1 - (1 - e.errorRate) * (1 - incident.errorRate);
            e.errorStatus = incident.status;
          }
          break;
        case 'brownout':
          if (incident.region === region) {
            const e = touch();
            e.addedMs += incident.addedLatency;
            e.spread = Math.max(e.spread, incident.spread);
          }
          break;
        case 'cutoff':
          if (path === 'network' && incident.vantage === vantage && incident.region === region) touch().hang = true;
          break;
        case 'isolation':
          if (path === 'network' && incident.vantage === vantage) touch().hang = true;
          break;
      }
    }
    return effect;
  }

  /** Whether the controller replica (and any agent) running in `region` is down: a whole-region outage or hang. */
  replicaDown(region: string, at: Millis): boolean {
    return this.activeAt(at).some((i) => (i.kind === 'outage' || i.kind === 'hang') && i.region === region && !i.services);
  }

  /** How many regions a process in `vantage` can reach over the network at `at` (its own included). */
  reachableRegions(vantage: string, at: Millis): number {
    const active = this.activeAt(at);
    if (active.some((i) => i.kind === 'isolation' && i.vantage === vantage)) return 0;
    return this.regions.filter((r) => !active.some((i) => i.kind === 'cutoff' && i.vantage === vantage && i.region === r)).length;
  }
}
