import { createEngineState, engineStep, type EngineState } from '../domain/engine.js';
import type { Millis } from '../domain/time.js';
import { formatDuration } from '../domain/time.js';
import type { Classification, Command, DatabaseStatus, Decision, Health, Observation } from '../domain/types.js';
import { mergeSpans, type Span } from './awake.js';
import { ProbeStream, type ProbeTiming } from './probes.js';
import { CHECKER_REGIONS, endpointHealthy, HealthCheck } from './route53-checks.js';
import { ROUTE53_VANTAGE, type Incident, type Scenario } from './scenario.js';
import { reasonKey, type TimelineEntry } from './timeline.js';
import { World, type TimedIncident } from './world.js';
import { streamKey, uniform } from './random.js';

/**
 * The discrete-event simulator: turns a scenario into the observations every vantage point would
 * produce and runs the decision engine over them on a virtual clock.
 *
 * The engine is stepped on a fixed grid (every probe interval from the scenario start), fed the
 * observations whose results became known since its previous step. In `dense` mode it is stepped at
 * every tick. In `skip` mode (the default) it is stepped only while something can change: around
 * each incident and each noise event (from one interval before the first disturbed probe until the
 * last disturbed result has left the detection window), while a plan runs and while the engine
 * suspects a region. Quiet stretches in between are skipped; before stepping again, the engine is
 * fed the observations of the last `max(detection.window, detection.staleAfter)`, which is all its
 * windows hold, so it sees exactly what it would have seen had it been stepped all along. This
 * works because every probe's result is a pure function of its counter (random.ts): generating
 * the observations of a window does not depend on having generated what came before it.
 */

export interface SimulationOptions {
  /** `skip` (default): step only around disturbances; `dense`: step at every tick. */
  mode?: 'skip' | 'dense';
  /**
   * `continuous` (default): one engine state for the whole run. `per-episode`: a fresh engine
   * state (configured primary, no cooldown or flip history) for every stretch of activity, so
   * independent incidents stay independent (the benchmark).
   */
  engineLifetime?: 'continuous' | 'per-episode';
  /** Record decisions and a readable timeline (the benchmark keeps only flips). Default true. */
  timeline?: boolean;
}

export interface FlipRecord {
  at: Millis;
  from: string;
  to: string;
  reason: string;
  planId: string;
}

export interface SimulationResult {
  scenario: string;
  seed: number;
  startAt: Millis;
  durationMs: Millis;
  mode: 'skip' | 'dense';
  engineLifetime: 'continuous' | 'per-episode';
  /** Engine steps taken, and the stretches of activity they were taken in. */
  steps: number;
  episodes: number;
  flips: FlipRecord[];
  /** Every decision except repeats of the same `none` reason. */
  decisions: Decision[];
  timeline: TimelineEntry[];
}

interface PendingPlan {
  planId: string;
  to: string;
  finishAt: Millis;
}

/** How long an incident keeps influencing observations after it ends. */
function incidentTail(scenario: Scenario, lookback: Millis): Millis {
  const { probe } = scenario.config;
  const probeTail = probe.timeout + lookback;
  // Route 53 checkers need `threshold` passing checks to turn healthy again, then the status must be polled.
  const route53Tail = scenario.route53 ? scenario.route53.failureThreshold * scenario.route53.interval + scenario.route53.poll + lookback : 0;
  return Math.max(probeTail, route53Tail) + 2 * probe.interval;
}

export class Simulation {
  readonly world: World;
  private readonly streams: ProbeStream[] = [];
  private readonly healthChecks: HealthCheck[] = [];
  private readonly pollPhase = new Map<string, Millis>();
  private readonly interval: Millis;
  private readonly lookback: Millis;
  private readonly endAt: Millis;

  constructor(readonly scenario: Scenario) {
    const { config } = scenario;
    const regions = config.regions.map((r) => r.name);
    this.world = new World(scenario.incidents, scenario.startAt, regions);
    this.interval = config.probe.interval;
    this.lookback = Math.max(config.detection.window, config.detection.staleAfter);
    this.endAt = scenario.startAt + scenario.duration;
    const timing: ProbeTiming = { intervalMs: config.probe.interval, timeoutMs: config.probe.timeout, baseMs: scenario.latency.base, jitterMs: scenario.latency.jitter };
    for (const vantage of regions) {
      for (const region of regions) {
        for (const service of config.services) {
          this.streams.push(new ProbeStream(this.world, timing, scenario.noise, scenario.seed, vantage, region, service.name));
        }
      }
    }
    if (scenario.route53) {
      const service = config.services.find((s) => s.critical)!.name;
      for (const region of regions) {
        this.healthChecks.push(new HealthCheck(this.world, scenario.seed, region, service, scenario.route53.interval, scenario.route53.failureThreshold, { baseMs: timing.baseMs, jitterMs: timing.jitterMs }));
        this.pollPhase.set(region, Math.floor(uniform(streamKey(scenario.seed, 'route53-poll', region), 0) * scenario.route53.poll));
      }
    }
  }

  /** Every observation (replicas and Route 53) whose result became known in (from, to], in time order. */
  observationsBetween(from: Millis, to: Millis): Observation[] {
    const out: Observation[] = [];
    for (const stream of this.streams) stream.collect(from, to, out);
    const poll = this.scenario.route53?.poll;
    if (poll !== undefined) {
      for (const check of this.healthChecks) {
        const first = this.scenario.startAt + this.pollPhase.get(check.region)!;
        for (let n = Math.floor((from - first) / poll) + 1; first + n * poll <= to; n++) {
          const at = first + n * poll;
          if (at <= from) continue;
          const healthy = check.healthyCheckers(at);
          const outcome = endpointHealthy(healthy) ? 'ok' : 'fail';
          out.push({ region: check.region, service: check.service, vantage: ROUTE53_VANTAGE, signal: 'route53', outcome, latencyMs: 0, at, detail: `${healthy}/${CHECKER_REGIONS.length} Route 53 checkers healthy` });
        }
      }
    }
    return out.sort((a, b) => a.at - b.at);
  }

  /** The stretches in which the engine must be stepped, before any extension by the engine's own state. */
  awakeSpans(mode: 'skip' | 'dense'): Span[] {
    const start = this.scenario.startAt;
    if (mode === 'dense') return [{ from: start, to: this.endAt }];
    const spans: Span[] = [{ from: start, to: start }];
    const tail = incidentTail(this.scenario, this.lookback);
    for (const incident of this.world.incidents) spans.push({ from: incident.start - this.interval, to: incident.end + tail });
    const noiseTail = this.lookback + this.interval;
    for (const stream of this.streams) {
      for (const d of stream.disturbances(start, this.endAt)) spans.push({ from: d.from - this.interval, to: d.to + noiseTail });
    }
    return mergeSpans(spans, this.interval).map((s) => ({ from: Math.max(s.from, start), to: Math.min(s.to, this.endAt) })).filter((s) => s.from <= s.to);
  }

  /** The first tick of the grid at or after `at`. */
  private tickAtOrAfter(at: Millis): Millis {
    const start = this.scenario.startAt;
    return start + Math.ceil((at - start) / this.interval) * this.interval;
  }

  run(options: SimulationOptions = {}): SimulationResult {
    const mode = options.mode ?? 'skip';
    const lifetime = options.engineLifetime ?? 'continuous';
    const recording = options.timeline ?? true;
    const { scenario } = this;
    const { config } = scenario;
    const primary = config.regions.find((r) => r.role === 'primary')!.name;
    const regions = config.regions.map((r) => r.name);

    const result: SimulationResult = {
      scenario: scenario.name,
      seed: scenario.seed,
      startAt: scenario.startAt,
      durationMs: scenario.duration,
      mode,
      engineLifetime: lifetime,
      steps: 0,
      episodes: 0,
      flips: [],
      decisions: [],
      timeline: [],
    };
    const note = (at: Millis, kind: TimelineEntry['kind'], text: string, decision?: Decision) => {
      const entry: TimelineEntry = { at, offsetMs: at - scenario.startAt, kind, text };
      if (decision) entry.decision = decision;
      result.timeline.push(entry);
    };
    if (recording) for (const incident of this.world.incidents) this.noteIncident(incident, note);

    let state: EngineState = createEngineState(config, scenario.startAt);
    let writer = primary;
    let pending: PendingPlan[] = [];
    let lastNoneKey: string | undefined;
    const lastHealth = new Map<string, Health>();
    let lastClassification: Classification = 'none';
    let commandSequence = 0;

    const spans = this.awakeSpans(mode);
    let lastTick = -Infinity;
    for (let index = 0; index < spans.length; index++) {
      const span = spans[index]!;
      let tick = Math.max(this.tickAtOrAfter(span.from), lastTick + this.interval);
      if (tick > this.endAt) break;
      let awakeUntil = span.to;
      result.episodes++;
      if (lifetime === 'per-episode') {
        state = createEngineState(config, tick);
        writer = primary;
        pending = [];
      }
      // After a skipped stretch, the engine gets what its windows would hold now (and nothing twice).
      let from = tick - Math.max(this.lookback, this.interval);
      if (lifetime === 'continuous') from = Math.max(from, lastTick);
      for (; tick <= Math.min(awakeUntil, this.endAt); tick += this.interval) {
        const observations = this.observationsBetween(from, tick);
        from = tick;
        const commands: Command[] = [];
        for (const plan of pending) {
          if (plan.finishAt > tick) continue;
          commands.push({ kind: 'plan-finished', id: `sim-${++commandSequence}`, planId: plan.planId, ok: true, at: tick });
          writer = plan.to;
        }
        pending = pending.filter((p) => p.finishAt > tick);
        const database: DatabaseStatus = {
          at: tick,
          writerRegion: writer,
          lagMs: Object.fromEntries(regions.filter((r) => r !== writer).map((r) => [r, scenario.replicationLag])),
          transitioning: pending.length > 0,
          writerReachable: !this.world.replicaDown(writer, tick),
        };
        const step = engineStep(state, { observations, commands, database }, tick);
        state = step.state;
        result.steps++;

        if (recording) {
          for (const region of regions) {
            const verdict = step.assessment.verdicts[region]!;
            const before = lastHealth.get(region) ?? 'healthy';
            if (verdict.health !== before) note(tick, 'verdict', `${region} ${before} -> ${verdict.summary}`);
            lastHealth.set(region, verdict.health);
          }
          if (step.assessment.classification !== lastClassification) {
            note(tick, 'classification', step.assessment.reason);
            lastClassification = step.assessment.classification;
          }
        }

        for (const decision of step.decisions) {
          if (decision.kind === 'flip') {
            result.flips.push({ at: tick, from: decision.from, to: decision.to, reason: decision.reason, planId: decision.planId });
            pending.push({ planId: decision.planId, to: decision.to, finishAt: tick + scenario.planDuration });
          }
          if (!recording) continue;
          if (decision.kind === 'none') {
            const key = reasonKey(decision.reason);
            if (key === lastNoneKey) continue;
            lastNoneKey = key;
          } else lastNoneKey = undefined;
          result.decisions.push(decision);
          note(tick, 'decision', decision.reason, decision);
        }
        // Stay awake while a plan runs or the engine is confirming a suspicion.
        const topology = state.topology;
        if (pending.length > 0) awakeUntil = Math.max(awakeUntil, Math.max(...pending.map((p) => p.finishAt)));
        if (topology.active || topology.phase === 'suspect') awakeUntil = Math.max(awakeUntil, tick + this.interval);
        // Absorb the next span if this one has grown into it.
        while (spans[index + 1] && spans[index + 1]!.from <= awakeUntil + this.interval) awakeUntil = Math.max(awakeUntil, spans[++index]!.to);
        lastTick = tick;
      }
    }
    if (recording) result.timeline.sort((a, b) => a.at - b.at);
    return result;
  }

  private noteIncident(incident: TimedIncident, note: (at: Millis, kind: TimelineEntry['kind'], text: string) => void): void {
    const text = describeIncident(incident);
    note(incident.start, 'incident', `begins: ${text} for ${formatDuration(incident.for)}`);
    note(incident.end, 'incident', `ends: ${text}`);
  }
}

/** One line for an incident: `outage of us-east-1`, `us-west-2 cut off from us-east-1`. */
export function describeIncident(incident: Incident): string {
  const services = incident.services ? ` (${incident.services.join(', ')})` : '';
  switch (incident.kind) {
    case 'outage':
      return `outage of ${incident.region}${services} (connections refused)`;
    case 'hang':
      return `${incident.region}${services} hangs (probes time out)`;
    case 'gray':
      return `gray failure of ${incident.region}${services}: ${Math.round(incident.errorRate * 100)}% HTTP ${incident.status}`;
    case 'brownout':
      return `brownout of ${incident.region}${services}: +${formatDuration(incident.addedLatency)} latency (±${Math.round(incident.spread * 100)}%)`;
    case 'global':
      return incident.mode === 'hang'
        ? `global failure${services}: a shared dependency hangs in every region`
        : `global failure${services}: every region answers ${Math.round(incident.errorRate * 100)}% HTTP ${incident.status}`;
    case 'cutoff':
      return `vantage point ${incident.vantage} cut off from ${incident.region}`;
    case 'isolation':
      return `vantage point ${incident.vantage} cut off from every region`;
    case 'flapping':
      return `${incident.region}${services} flapping: down ${formatDuration(incident.down)}, up ${formatDuration(incident.up)}`;
  }
}

/** Runs a scenario through the engine. */
export function simulate(scenario: Scenario, options: SimulationOptions = {}): SimulationResult {
  return new Simulation(scenario).run(options);
}
