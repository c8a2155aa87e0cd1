import type { Millis } from '../../kernel/time.js';
import type { Observation } from '../domain/types.js';
import { judgeOwnHealth, type ProbeResult } from '../signals/observer-health.js';
import { NoiseStream, type NoiseEffect, type NoiseProfile } from './noise.js';
import { streamKey, uniform, type StreamKey } from './random.js';
import type { ProbeEffect, World } from './world.js';

/** How probes are timed and how long a healthy answer takes. */
export interface ProbeTiming {
  intervalMs: Millis;
  timeoutMs: Millis;
  /** Healthy latency: `baseMs` plus up to `jitterMs`. */
  baseMs: Millis;
  jitterMs: Millis;
}

/** What the prober knows of its own health (observer-health.ts): judged the same way as in production. */
export interface ObserverSettings {
  starvedAfter: Millis;
  latencyBudget: Millis;
}

/** Draw slots of a probe's counter: each random choice has its own, so they never correlate. */
const DRAW = { latency: 10, spread: 11, error: 12, loss: 13, starved: 14 } as const;

/**
 * One probe's result from the ground truth (`effect`), the noise and the probe's own random draws.
 * Order of precedence: refused, then no answer (hang, noise timeout, too slow), then HTTP errors,
 * then a lost connection; otherwise ok.
 */
export function resolveProbe(stream: StreamKey, counter: number, effect: ProbeEffect | undefined, noise: NoiseEffect | undefined, timing: ProbeTiming, ownDelayMs = 0): ProbeResult {
  let latency = timing.baseMs + timing.jitterMs * uniform(stream, counter, DRAW.latency) + ownDelayMs;
  if (effect?.refused) return { outcome: 'fail', latencyMs: Math.min(latency, timing.baseMs + 1), detail: 'ECONNREFUSED' };
  if (effect && effect.addedMs > 0) latency += effect.addedMs * (1 - effect.spread + 2 * effect.spread * uniform(stream, counter, DRAW.spread));
  if (noise) latency += noise.addedMs;
  if (effect?.hang || noise?.timedOut || latency >= timing.timeoutMs) {
    return { outcome: 'timeout', latencyMs: timing.timeoutMs, detail: `timeout after ${timing.timeoutMs}ms` };
  }
  if (effect && effect.errorRate > 0 && uniform(stream, counter, DRAW.error) < effect.errorRate) {
    return { outcome: 'fail', latencyMs: latency, detail: `HTTP ${effect.errorStatus}` };
  }
  if (noise?.lost || (effect && effect.lossRate > 0 && uniform(stream, counter, DRAW.loss) < effect.lossRate)) return { outcome: 'fail', latencyMs: latency, detail: 'ECONNRESET' };
  return { outcome: 'ok', latencyMs: latency };
}

/** A time range [from, to] in which a stream's probes may be disturbed by noise. */
export interface Disturbance {
  from: Millis;
  to: Millis;
}

/**
 * One replica (vantage point) probing one service of one region every interval, with its own phase.
 * Probe n is sent at `startAt + phase + n * interval`; its result is known `latency` later (a
 * timeout: exactly `timeout` later). Everything about probe n is a function of n.
 */
export class ProbeStream {
  private readonly stream: StreamKey;
  private readonly noise: NoiseStream;
  private readonly firstSend: Millis;
  /** The latest a starved observer learns a result, past its timeout. */
  private readonly maxOwnDelay: Millis;

  constructor(
    private readonly world: World,
    private readonly timing: ProbeTiming,
    private readonly observer: ObserverSettings,
    noise: NoiseProfile,
    seed: number,
    readonly vantage: string,
    readonly region: string,
    readonly service: string,
  ) {
    this.stream = streamKey(seed, 'probe', vantage, region, service);
    this.noise = new NoiseStream(streamKey(seed, 'noise', vantage, region, service), noise, timing.intervalMs);
    this.firstSend = world.startAt + Math.floor(uniform(this.stream, 0, 1) * timing.intervalMs);
    this.maxOwnDelay = 1.5 * world.incidents.reduce((max, i) => (i.kind === 'starve' && i.vantage === vantage ? Math.max(max, i.lag) : max), 0);
  }

  sentAt(probe: number): Millis {
    return this.firstSend + probe * this.timing.intervalMs;
  }

  /**
   * The observation of probe n; undefined when the replica itself is down and probes nothing.
   * `quiet`: the caller knows no incident is active then (saves the ground-truth lookups).
   */
  observe(probe: number, quiet = false): Observation | undefined {
    const sent = this.sentAt(probe);
    if (!quiet && this.world.replicaDown(this.vantage, sent)) return undefined;
    const effect = quiet ? undefined : this.world.effect(this.vantage, this.region, this.service, sent);
    // A starved replica sends and reads late, and its deadlines fire late, by about its lag (± half).
    const lag = quiet ? 0 : this.world.starvation(this.vantage, sent);
    const ownDelay = lag > 0 ? lag * (0.5 + uniform(this.stream, probe, DRAW.starved)) : 0;
    const raw = resolveProbe(this.stream, probe, effect, this.noise.effectAt(probe), this.timing, ownDelay);
    const result = judgeOwnHealth(raw, ownDelay, this.observer);
    const observation: Observation = {
      region: this.region,
      service: this.service,
      vantage: this.vantage,
      signal: 'http',
      outcome: result.outcome,
      latencyMs: result.latencyMs,
      at: sent + result.latencyMs + (raw.outcome === 'timeout' ? ownDelay : 0),
    };
    if (result.detail !== undefined) observation.detail = result.detail;
    return observation;
  }

  /**
   * Appends to `out` the observations whose result became known in (from, to]. `quiet`: the caller
   * already knows that no incident overlaps (from - timeout, to].
   */
  collect(from: Millis, to: Millis, out: Observation[], quiet?: boolean): void {
    const interval = this.timing.intervalMs;
    // A result is known at most `timeout` (plus a starved observer's lag) after its probe was sent.
    const first = Math.ceil((from - this.timing.timeoutMs - this.maxOwnDelay - this.firstSend) / interval);
    const last = Math.floor((to - this.firstSend) / interval);
    quiet ??= this.world.quietBetween(this.sentAt(first), this.sentAt(last));
    for (let probe = first; probe <= last; probe++) {
      const observation = this.observe(probe, quiet);
      if (observation && observation.at > from && observation.at <= to) out.push(observation);
    }
  }

  /**
   * Time ranges in [from, to) in which noise alone could make this vantage point judge the target
   * failed: at least `needed` failed probes within `windowProbes` consecutive probes (fewer can
   * never reach a failed verdict, whatever the statistics). From the first such send to the last result.
   */
  failureClusters(from: Millis, to: Millis, needed: number, windowProbes: number): Disturbance[] {
    const interval = this.timing.intervalMs;
    // A probe fails outright once its latency reaches the timeout, even with the least jitter.
    const failsIfAdded = this.timing.timeoutMs - this.timing.baseMs;
    const runs = this.noise.failingRuns(Math.floor((from - this.firstSend) / interval), Math.ceil((to - this.firstSend) / interval) + 1, failsIfAdded);
    const failing: number[] = [];
    for (const [first, last] of runs) for (let p = first; p <= last; p++) if (failing.length === 0 || p > failing[failing.length - 1]!) failing.push(p);
    const clusters: Disturbance[] = [];
    for (let i = needed - 1; i < failing.length; i++) {
      if (failing[i]! - failing[i - needed + 1]! >= windowProbes) continue;
      const span = { from: this.sentAt(failing[i - needed + 1]!), to: this.sentAt(failing[i]!) + this.timing.timeoutMs };
      const last = clusters[clusters.length - 1];
      if (last && span.from <= last.to) last.to = Math.max(last.to, span.to);
      else clusters.push(span);
    }
    return clusters;
  }

  /** Time ranges in [from, to) where noise disturbs this stream: from the first disturbed send to the last result. */
  disturbances(from: Millis, to: Millis): Disturbance[] {
    const interval = this.timing.intervalMs;
    const first = Math.floor((from - this.firstSend) / interval) - this.noise.maxLength;
    const last = Math.ceil((to - this.firstSend) / interval);
    return this.noise.eventsBetween(first, last + 1).map((event) => ({
      from: this.sentAt(event.probe),
      to: this.sentAt(event.probe + event.length - 1) + this.timing.timeoutMs,
    }));
  }
}
