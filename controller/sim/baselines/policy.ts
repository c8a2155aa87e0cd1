import type { Millis } from '../../../kernel/time.js';
import type { Span } from '../awake.js';
import type { NoiseProfile } from '../noise.js';
import type { ProbeTiming } from '../probes.js';
import type { World } from '../world.js';

/**
 * A baseline: a model of how teams fail over today, run over the same simulated ground truth as the
 * engine. Each is a small pure policy: it looks at the world at its own cadence and decides. Adding
 * one is one module exporting a `BaselinePolicy` and one line in index.ts.
 */

/** What a baseline can see: the ground truth and the deployment. */
export interface BaselineContext {
  world: World;
  seed: number;
  regions: readonly string[];
  /** The configured primary region. */
  primary: string;
  /** The critical service the baseline checks. */
  service: string;
  /** Healthy latency (base + jitter), for the baseline's own checks. */
  latency: Pick<ProbeTiming, 'baseMs' | 'jitterMs'>;
  /** The network noise every probe path sees, health checkers' included. */
  noise: NoiseProfile;
}

/** A baseline moving traffic: `failover` away from the current primary, `failback` when a health-checked primary returns. */
export interface BaselineFlip {
  at: Millis;
  kind: 'failover' | 'failback';
  from: string;
  to: string;
  reason: string;
}

export interface BaselinePolicy<S = unknown> {
  name: string;
  /** One line: what it models. */
  description: string;
  /** How often it looks at the world. */
  cadenceMs: Millis;
  /** How long it must run before a stretch of interest for its counters and timers to settle. */
  warmupMs: Millis;
  init(context: BaselineContext, at: Millis): S;
  step(state: S, context: BaselineContext, at: Millis): { state: S; flip?: Omit<BaselineFlip, 'at'> };
}

/**
 * Runs a baseline over stretches of time, each from a fresh state started `warmupMs` early (the
 * world is quiet before each stretch, so this is the state it would be in had it run all along).
 */
export function runBaseline<S>(policy: BaselinePolicy<S>, context: BaselineContext, spans: readonly Span[]): BaselineFlip[] {
  const flips: BaselineFlip[] = [];
  for (const span of spans) {
    const from = span.from - policy.warmupMs;
    let state = policy.init(context, from);
    for (let at = from; at <= span.to; at += policy.cadenceMs) {
      const result = policy.step(state, context, at);
      state = result.state;
      if (result.flip) flips.push({ at, ...result.flip });
    }
  }
  return flips;
}

/** A baseline with its state type hidden, so different baselines fit in one list. */
export interface Baseline {
  name: string;
  description: string;
  run(context: BaselineContext, spans: readonly Span[]): BaselineFlip[];
}

export function asBaseline<S>(policy: BaselinePolicy<S>): Baseline {
  return { name: policy.name, description: policy.description, run: (context, spans) => runBaseline(policy, context, spans) };
}
