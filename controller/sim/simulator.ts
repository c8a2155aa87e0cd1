import { createEngineState, engineStep, type EngineState } from '../domain/engine.js';
import type { Millis } from '../../kernel/time.js';
import type { Decision, Observation } from '../domain/types.js';
import { mergeSpans, type Span } from './awake.js';
import { SimulatedExecutor } from './executor.js';
import { ProbeStream, type ProbeTiming } from './probes.js';
import { PeerReplicas } from './replicas.js';
import { flipRelevantSpans } from './relevance.js';
import { Route53Vantage } from './route53-checks.js';
import type { Scenario } from './scenario.js';
import { TimelineRecorder, type TimelineEntry } from './timeline.js';
import { World } from './world.js';

/**
 * The discrete-event simulator: turns a scenario into the observations every vantage point would
 * produce and runs the decision engine over them on a virtual clock, wired as in production: the
 * lease holder (`scenario.holder`) steps the engine on its own observations, the database status it
 * reads and the summaries the other replicas publish (replicas.ts: their own windows and clocks,
 * delivered through the store with delays).
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

export type SimulationMode = 'skip' | 'dense' | 'flips';

export interface SimulationOptions {
  /**
   * `skip` (default): step only around disturbances; `dense`: step at every tick; `flips`: step
   * only where a flip is possible (relevance.ts): the same flips, not the same timeline.
   */
  mode?: SimulationMode;
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
  mode: SimulationMode;
  engineLifetime: 'continuous' | 'per-episode';
  /** Engine steps taken, and the stretches of activity they were taken in. */
  steps: number;
  episodes: number;
  flips: FlipRecord[];
  /** Every decision except repeats of the same `none` reason. */
  decisions: Decision[];
  timeline: TimelineEntry[];
}

/** How long an incident keeps influencing observations after it ends. */
function incidentTail(scenario: Scenario, lookback: Millis): Millis {
  const { probe } = scenario.config;
  const probeTail = probe.timeout + lookback + starvationTail(scenario);
  // Route 53 checkers need `threshold` passing checks to turn healthy again, then the status must be polled.
  const route53Tail = scenario.route53 ? scenario.route53.failureThreshold * scenario.route53.interval + scenario.route53.poll + lookback : 0;
  return Math.max(probeTail, route53Tail) + 2 * probe.interval;
}

/** How much later than its timeout a starved replica can learn a result. */
function starvationTail(scenario: Scenario): Millis {
  return 1.5 * scenario.incidents.reduce((max, i) => (i.kind === 'starve' ? Math.max(max, i.lag) : max), 0);
}

export class Simulation {
  readonly world: World;
  private readonly streams: ProbeStream[] = [];
  private readonly route53: Route53Vantage | undefined;
  private readonly peers: PeerReplicas;
  private readonly interval: Millis;
  /** What the holder's windows can hold, and what a peer's publication read now can reflect. */
  private readonly lookback: Millis;
  private readonly peerLookback: Millis;
  private readonly endAt: Millis;

  constructor(readonly scenario: Scenario) {
    const { config } = scenario;
    const regions = config.regions.map((r) => r.name);
    this.world = new World(scenario.incidents, scenario.startAt, regions);
    this.interval = config.probe.interval;
    this.lookback = Math.max(config.detection.window, config.detection.ratioWindow, config.detection.staleAfter);
    this.peerLookback = PeerReplicas.lookback(scenario);
    this.endAt = scenario.startAt + scenario.duration;
    const timing: ProbeTiming = { intervalMs: config.probe.interval, timeoutMs: config.probe.timeout, baseMs: scenario.latency.base, jitterMs: scenario.latency.jitter };
    const observer = { starvedAfter: config.probe.starvedAfter, latencyBudget: config.probe.latencyBudget };
    for (const vantage of regions) {
      for (const region of regions) {
        for (const service of config.services) {
          this.streams.push(new ProbeStream(this.world, timing, observer, scenario.noise, scenario.seed, vantage, region, service.name));
        }
      }
    }
    this.peers = new PeerReplicas(scenario, regions.filter((r) => r !== scenario.holder));
    if (scenario.route53) {
      const service = config.services.find((s) => s.critical)!.name;
      this.route53 = new Route53Vantage(this.world, scenario.seed, regions, service, scenario.route53, { baseMs: timing.baseMs, jitterMs: timing.jitterMs }, scenario.noise);
    }
  }

  /** The holder's own observations (its probes, and Route 53's status it reads) whose result became known in (from, to]. */
  holderObservations(from: Millis, to: Millis): Observation[] {
    const out: Observation[] = [];
    const quiet = this.world.quietBetween(from - this.scenario.config.probe.timeout - starvationTail(this.scenario), to);
    for (const stream of this.streams) if (stream.vantage === this.scenario.holder) stream.collect(from, to, out, quiet);
    this.route53?.collect(from, to, out);
    return out;
  }

  /** Each other replica's observations known in (from, to], in time order. */
  peerObservations(from: Millis, to: Millis): Map<string, Observation[]> {
    const quiet = this.world.quietBetween(from - this.scenario.config.probe.timeout - starvationTail(this.scenario), to);
    const byVantage = new Map<string, Observation[]>();
    for (const stream of this.streams) {
      if (stream.vantage === this.scenario.holder) continue;
      const list = byVantage.get(stream.vantage) ?? [];
      stream.collect(from, to, list, quiet);
      byVantage.set(stream.vantage, list);
    }
    for (const list of byVantage.values()) list.sort((a, b) => a.at - b.at);
    return byVantage;
  }

  /** The stretches in which the engine must be stepped, before any extension by the engine's own state. */
  awakeSpans(mode: SimulationMode): Span[] {
    const start = this.scenario.startAt;
    if (mode === 'dense') return [{ from: start, to: this.endAt }];
    const tail = incidentTail(this.scenario, this.peerLookback);
    const noiseTail = this.peerLookback + this.interval;
    if (mode === 'flips') {
      const { probe, detection } = this.scenario.config;
      const readTail = this.scenario.delivery.delay + (this.scenario.delivery.late > 0 ? this.scenario.delivery.maxLate : 0) + probe.interval;
      // After an incident, a flip stays possible only while some window can still hold it failed.
      const flipTail = incidentTail(this.scenario, Math.max(detection.window, detection.ratioWindow) + readTail);
      return flipRelevantSpans({ scenario: this.scenario, incidents: this.world.incidents, streams: this.streams, incidentTail: flipTail, readTail, databaseReadFailures: this.databaseReadFailures() });
    }
    // The start, until every window has filled.
    const spans: Span[] = [{ from: start, to: start + noiseTail }];
    for (const incident of this.world.incidents) spans.push({ from: incident.start - this.interval, to: incident.end + tail });
    for (const stream of this.streams) {
      for (const d of stream.disturbances(start, this.endAt)) spans.push({ from: d.from - this.interval, to: d.to + noiseTail });
    }
    // A database read that fails for nothing shows in the writer's signal.
    for (const at of this.databaseReadFailures()) spans.push({ from: at - this.interval, to: at + noiseTail });
    return mergeSpans(spans, this.interval).map((s) => ({ from: Math.max(s.from, start), to: Math.min(s.to, this.endAt) })).filter((s) => s.from <= s.to);
  }

  private databaseReadFailures(): Millis[] {
    return new SimulatedExecutor(this.world, [], '', 0, this.databaseModel()).readFailuresBetween(this.scenario.startAt, this.endAt);
  }

  private databaseModel() {
    const { scenario } = this;
    return { replicationLag: scenario.replicationLag, readTimeout: scenario.config.detection.writerTimeout, apiErrors: scenario.noise.apiErrors, seed: scenario.seed, startAt: scenario.startAt, interval: this.interval };
  }

  /** The first tick of the grid at or after `at`. */
  private tickAtOrAfter(at: Millis): Millis {
    const start = this.scenario.startAt;
    return start + Math.ceil((at - start) / this.interval) * this.interval;
  }

  run(options: SimulationOptions = {}): SimulationResult {
    const mode = options.mode ?? 'skip';
    const lifetime = options.engineLifetime ?? 'continuous';
    const { scenario } = this;
    const { config } = scenario;
    const primary = config.regions.find((r) => r.role === 'primary')!.name;
    const recorder = (options.timeline ?? true) ? new TimelineRecorder(scenario.startAt) : undefined;
    for (const incident of this.world.incidents) recorder?.incident(incident);
    const executor = new SimulatedExecutor(this.world, config.regions.map((r) => r.name), primary, scenario.planDuration, this.databaseModel());

    const flips: FlipRecord[] = [];
    let steps = 0;
    let episodes = 0;
    let state: EngineState = createEngineState(config, scenario.startAt);
    const spans = this.awakeSpans(mode);
    let lastTick = -Infinity;
    for (let index = 0; index < spans.length; index++) {
      let tick = Math.max(this.tickAtOrAfter(spans[index]!.from), lastTick + this.interval);
      if (tick > this.endAt) break;
      let awakeUntil = spans[index]!.to;
      episodes++;
      if (lifetime === 'per-episode') {
        state = createEngineState(config, tick);
        executor.reset();
        this.peers.reset();
      }
      // After a skipped stretch, each window gets what it would hold now (and nothing twice).
      let from = tick - Math.max(this.lookback, this.interval);
      let peerFrom = tick - Math.max(this.peerLookback, this.interval);
      if (lifetime === 'continuous') {
        from = Math.max(from, lastTick);
        peerFrom = Math.max(peerFrom, lastTick);
      }
      for (; tick <= Math.min(awakeUntil, this.endAt); tick += this.interval) {
        const active = state.topology.active;
        this.peers.advance(this.peerObservations(peerFrom, tick), tick);
        const input = {
          observations: this.holderObservations(from, tick),
          summaries: this.peers.read(),
          commands: [],
          ...(active && { plan: executor.report(active.planId, tick) }),
          database: executor.databaseStatus(tick),
          leaseToken: 1,
        };
        const step = engineStep(state, input, tick);
        state = step.state;
        steps++;
        for (const decision of step.decisions) {
          if (decision.kind !== 'flip') continue;
          flips.push({ at: tick, from: decision.from, to: decision.to, reason: decision.reason, planId: decision.planId });
          executor.start(decision.planId, decision.to, tick);
        }
        recorder?.step(tick, step.assessment, step.decisions);

        // Stay awake while a plan runs or the engine is confirming a suspicion.
        awakeUntil = Math.max(awakeUntil, executor.busyUntil(tick) ?? awakeUntil);
        if (state.topology.active || state.topology.phase === 'suspect') awakeUntil = Math.max(awakeUntil, tick + this.interval);
        // Absorb the next span if this one has grown into it.
        while (spans[index + 1] && spans[index + 1]!.from <= awakeUntil + this.interval) awakeUntil = Math.max(awakeUntil, spans[++index]!.to);
        from = tick;
        peerFrom = tick;
        lastTick = tick;
      }
    }
    return {
      scenario: scenario.name,
      seed: scenario.seed,
      startAt: scenario.startAt,
      durationMs: scenario.duration,
      mode,
      engineLifetime: lifetime,
      steps,
      episodes,
      flips,
      decisions: recorder?.decisions ?? [],
      timeline: recorder?.timeline() ?? [],
    };
  }
}

/** Runs a scenario through the engine. */
export function simulate(scenario: Scenario, options: SimulationOptions = {}): SimulationResult {
  return new Simulation(scenario).run(options);
}
