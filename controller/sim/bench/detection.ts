import { performance } from 'node:perf_hooks';
import { mergeSpans } from '../awake.js';
import { BASELINES } from '../baselines/index.js';
import type { BaselineContext } from '../baselines/policy.js';
import { parseScenario } from '../scenario.js';
import { Simulation } from '../simulator.js';
import { scoreFailovers, type PolicyScore } from './score.js';
import { blipCurve, type BlipCurve } from './blip-curve.js';
import { PROFILES, type BenchProfile } from './profiles.js';
import { checkTargets, type TargetCheck } from './targets.js';
import { detectionWorkload, INCIDENT_TAIL_MS } from './workload.js';

export interface DetectionBenchOptions {
  seed: number;
  /** Simulated region-hours (time per region times the number of regions). */
  regionHours: number;
  profile?: BenchProfile;
  /** Seeds per blip duration for the blip-tolerance curve (0: no curve). */
  curveSeeds?: number;
}

export interface DetectionReport {
  seed: number;
  profile: { name: string; description: string };
  simulatedRegionHours: number;
  /** Wall-clock time of the whole run, and the simulation speed it gives. */
  wallMs: number;
  /** CPU time of the run (on a busy machine, wall time overstates the work). */
  cpuMs: number;
  regionHoursPerSecond: number;
  /** Injected incidents per workload kind. */
  injected: Record<string, number>;
  /** How much work the engine did: steps, and stretches of activity between skipped quiet time. */
  engine: { steps: number; episodes: number };
  policies: PolicyScore[];
  /** The shortest blip of each kind that moved traffic, per policy (ms; null: none up to the longest tried). */
  blipCurve?: BlipCurve;
  /** CPU time of the blip curve, apart from the simulation's. */
  curveCpuMs?: number;
  targets: TargetCheck[];
}

/** Longest blip the curve tries: past it, report "none". */
const CURVE_MAX_MS = 60_000;

/**
 * The detection benchmark under one profile: the engine (`fcp`) and every baseline over the same
 * simulated ground truth and noise. The engine is stepped only where a flip is possible (the
 * `flips` mode), with a fresh state per stretch of activity, so one incident's cooldown and flip
 * count never leak into the next. Baselines run over each scored incident's window, their checks
 * under the same noise. Then the blip-tolerance curve, and the targets checked.
 */
export function runDetectionBench(options: DetectionBenchOptions): DetectionReport {
  const began = performance.now();
  const cpuBefore = process.cpuUsage();
  const profile = options.profile ?? PROFILES[0]!;
  const workload = detectionWorkload(options.seed, options.regionHours, profile);
  const scenario = parseScenario(workload.scenario);
  const simulation = new Simulation(scenario);
  const run = simulation.run({ mode: 'flips', engineLifetime: 'per-episode', timeline: false });
  const { startAt } = scenario;
  const policies: PolicyScore[] = [scoreFailovers('fcp', run.flips, workload.incidents, startAt, INCIDENT_TAIL_MS)];

  const regions = scenario.config.regions.map((r) => r.name);
  const context: BaselineContext = {
    world: simulation.world,
    seed: scenario.seed,
    regions,
    primary: scenario.config.regions.find((r) => r.role === 'primary')!.name,
    service: scenario.config.services.find((s) => s.critical)!.name,
    latency: { baseMs: scenario.latency.base, jitterMs: scenario.latency.jitter },
    noise: scenario.noise,
  };
  // Baselines run over the scored incidents' windows (a profile's long background conditions are not incidents).
  const spans = mergeSpans(workload.incidents.map((b) => ({ from: startAt + b.incident.at, to: startAt + b.incident.at + b.incident.for + INCIDENT_TAIL_MS })), 0);
  for (const baseline of BASELINES) {
    const failovers = baseline.run(context, spans).filter((f) => f.kind === 'failover');
    policies.push(scoreFailovers(baseline.name, failovers, workload.incidents, startAt, INCIDENT_TAIL_MS));
  }

  const injected: Record<string, number> = {};
  for (const bench of workload.incidents) injected[bench.label] = (injected[bench.label] ?? 0) + 1;
  const simulatedRegionHours = (workload.durationMs * regions.length) / 3_600_000;
  const wallMs = Math.round(performance.now() - began);
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = Math.round((cpu.user + cpu.system) / 1000);
  const report: DetectionReport = {
    seed: options.seed,
    profile: { name: profile.name, description: profile.description },
    simulatedRegionHours,
    wallMs,
    cpuMs,
    regionHoursPerSecond: Math.round(simulatedRegionHours / Math.max(wallMs / 1000, 0.001)),
    injected,
    engine: { steps: run.steps, episodes: run.episodes },
    policies,
    targets: checkTargets({ engine: policies[0]!, route53Fast: policies.find((p) => p.name === 'route53-fast'), regionHours: simulatedRegionHours, cpuMs }),
  };
  if ((options.curveSeeds ?? 0) > 0) {
    const curveBefore = process.cpuUsage();
    report.blipCurve = blipCurve(profile, { seed: options.seed, seeds: options.curveSeeds!, maxMs: CURVE_MAX_MS, stepMs: 1000 });
    const used = process.cpuUsage(curveBefore);
    report.curveCpuMs = Math.round((used.user + used.system) / 1000);
  }
  return report;
}
