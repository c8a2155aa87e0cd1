import type { Millis } from '../../kernel/time.js';
import type { Observation } from '../domain/types.js';
import { NOISE_PROFILES, NoiseStream, type NoiseProfile } from './noise.js';
import { resolveProbe, type ProbeTiming } from './probes.js';
import { streamKey, uniform, type StreamKey } from './random.js';
import { ROUTE53_VANTAGE } from '../domain/types.js';
import type { Scenario } from './scenario.js';
import type { World } from './world.js';

/** The regions Route 53 health checkers probe from. */
export const CHECKER_REGIONS = ['us-east-1', 'us-west-1', 'us-west-2', 'eu-west-1', 'ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1', 'sa-east-1'] as const;

/**
 * A checker gives up on an answer after about this long (Route 53 allows 4 s to connect and 2 s
 * for the response; modelled as one budget).
 */
export const CHECKER_TIMEOUT_MS = 4000;

/** An endpoint is healthy when more than this share of checkers report it healthy. */
export const HEALTHY_CHECKER_SHARE = 0.18;

/** One checker's view of an endpoint: its status and the current run of identical results. */
export interface CheckerState {
  healthy: boolean;
  run: number;
  runHealthy: boolean;
}

export const INITIAL_CHECKER: CheckerState = { healthy: true, run: 0, runHealthy: true };

/** Route 53's rule: the status changes after `threshold` consecutive results that disagree with it. */
export function nextCheckerState(state: CheckerState, resultHealthy: boolean, threshold: number): CheckerState {
  const run = resultHealthy === state.runHealthy ? state.run + 1 : 1;
  const healthy = run >= threshold ? resultHealthy : state.healthy;
  return { healthy, run, runHealthy: resultHealthy };
}

export function endpointHealthy(healthyCheckers: number): boolean {
  return healthyCheckers / CHECKER_REGIONS.length > HEALTHY_CHECKER_SHARE;
}

/**
 * One region's Route 53 health check: each of the 8 checkers probes the region's critical service
 * every `interval`, each on its own phase (checkers do not coordinate). Checker results follow the
 * ground truth (cut-offs of the `route53` vantage point included) and the same network noise as
 * every other probe, each checker's path with its own: a check needs `threshold` consecutive
 * failures from 7 of 8 checkers, so noise rarely moves it, and the benchmark shows how rarely.
 */
export class HealthCheck {
  private readonly stream: StreamKey;
  private readonly firstChecks: Millis[];
  private readonly timing: ProbeTiming;
  private readonly noise: NoiseStream[];

  constructor(
    private readonly world: World,
    seed: number,
    readonly region: string,
    readonly service: string,
    readonly intervalMs: Millis,
    readonly threshold: number,
    latency: { baseMs: Millis; jitterMs: Millis },
    noise: NoiseProfile = NOISE_PROFILES.none,
  ) {
    this.stream = streamKey(seed, 'route53-check', region, service, intervalMs);
    this.firstChecks = CHECKER_REGIONS.map((_, checker) => world.startAt + Math.floor(uniform(this.stream, checker, 1) * intervalMs));
    this.timing = { intervalMs, timeoutMs: CHECKER_TIMEOUT_MS, ...latency };
    this.noise = CHECKER_REGIONS.map((checkerRegion) => new NoiseStream(streamKey(seed, 'route53-noise', checkerRegion, region, service, intervalMs), noise, intervalMs));
  }

  /** When checker `checker` sends its check number `n`. */
  checkTime(checker: number, n: number): Millis {
    return this.firstChecks[checker]! + n * this.intervalMs;
  }

  /** Recent check results per checker (a pure function of (checker, n), so remembering them changes nothing). */
  private readonly remembered = CHECKER_REGIONS.map(() => new Map<number, boolean>());

  /** Whether check `n` of checker `checker` passes. */
  checkPasses(checker: number, n: number): boolean {
    const memo = this.remembered[checker]!;
    const known = memo.get(n);
    if (known !== undefined) return known;
    const passes = this.computeCheck(checker, n);
    if (memo.size >= 64) memo.delete(memo.keys().next().value as number);
    memo.set(n, passes);
    return passes;
  }

  private computeCheck(checker: number, n: number): boolean {
    const at = this.checkTime(checker, n);
    const effect = this.world.effect(ROUTE53_VANTAGE, this.region, this.service, at);
    return resolveProbe(this.stream, n * CHECKER_REGIONS.length + checker, effect, this.noise[checker]!.effectAt(n), this.timing).outcome === 'ok';
  }

  private noiseFree(at: Millis, replay: number): boolean {
    return this.noise.every((stream, checker) => {
      const latest = this.latestCheck(checker, at);
      return stream.eventsBetween(latest - replay - stream.maxLength, latest + 1).length === 0;
    });
  }

  /** The latest check of `checker` sent at or before `at`. */
  latestCheck(checker: number, at: Millis): number {
    return Math.floor((at - this.checkTime(checker, 0)) / this.intervalMs);
  }

  /**
   * How many checkers report the endpoint healthy at `at`. Replays each checker's last few checks
   * from a healthy start: once `threshold` identical results have been seen the status no longer
   * depends on anything earlier, so the answer is the same however the caller got here.
   */
  healthyCheckers(at: Millis): number {
    const replay = 4 * this.threshold;
    // With no incident and no noise in the replayed checks, every checker passes them all.
    if (this.world.quietBetween(at - (replay + 1) * this.intervalMs, at) && this.noiseFree(at, replay)) return CHECKER_REGIONS.length;
    let healthy = 0;
    for (let checker = 0; checker < CHECKER_REGIONS.length; checker++) {
      const latest = this.latestCheck(checker, at);
      let state = INITIAL_CHECKER;
      for (let n = latest - replay + 1; n <= latest; n++) state = nextCheckerState(state, this.checkPasses(checker, n), this.threshold);
      if (state.healthy) healthy++;
    }
    return healthy;
  }
}

/**
 * The `route53` vantage point: the controller reads each region's health check status every
 * `poll` (each region on its own phase) and observes `ok` when the endpoint is healthy.
 */
export class Route53Vantage {
  private readonly checks: { check: HealthCheck; firstPoll: Millis }[];

  constructor(
    world: World,
    seed: number,
    regions: readonly string[],
    service: string,
    private readonly settings: NonNullable<Scenario['route53']>,
    latency: { baseMs: Millis; jitterMs: Millis },
    noise: NoiseProfile = NOISE_PROFILES.none,
  ) {
    this.checks = regions.map((region) => ({
      check: new HealthCheck(world, seed, region, service, settings.interval, settings.failureThreshold, latency, noise),
      firstPoll: world.startAt + Math.floor(uniform(streamKey(seed, 'route53-poll', region), 0) * settings.poll),
    }));
  }

  /** Appends the status reads made in (from, to]. */
  collect(from: Millis, to: Millis, out: Observation[]): void {
    const { poll } = this.settings;
    for (const { check, firstPoll } of this.checks) {
      for (let n = Math.floor((from - firstPoll) / poll) + 1; firstPoll + n * poll <= to; n++) {
        const at = firstPoll + n * poll;
        if (at <= from) continue;
        const healthy = check.healthyCheckers(at);
        out.push({
          region: check.region,
          service: check.service,
          vantage: ROUTE53_VANTAGE,
          signal: 'route53',
          outcome: endpointHealthy(healthy) ? 'ok' : 'fail',
          latencyMs: 0,
          at,
          detail: `${healthy}/${CHECKER_REGIONS.length} Route 53 checkers healthy`,
        });
      }
    }
  }
}
