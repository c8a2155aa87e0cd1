import { performance } from 'node:perf_hooks';
import { mergeSpans } from '../awake.js';
import { BASELINES } from '../baselines/index.js';
import type { BaselineContext } from '../baselines/policy.js';
import { parseScenario } from '../scenario.js';
import { Simulation } from '../simulator.js';
import { scoreFailovers, type PolicyScore } from './score.js';
import type { BenchProfile } from './profiles.js';
import { detectionWorkload, INCIDENT_TAIL_MS } from './workload.js';

export interface DetectionBenchOptions {
  seed: number;
  /** Simulated region-hours (time per region times the number of regions). */
  regionHours: number;
  profile?: BenchProfile;
}

export interface DetectionReport {
  seed: number;
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
}

/**
 * The detection benchmark: the engine (`fcp`) and every baseline over the same simulated ground
 * truth. The engine runs event-driven (quiet stretches skipped) with a fresh state per stretch of
 * activity, so one incident's cooldown and flip count never leak into the next. Baselines run over
 * each incident's window; their checks (Route 53's checkers behind a 3-failure threshold, an agent's
 * local check) do not see the network noise between incidents.
 */
export function runDetectionBench(options: DetectionBenchOptions): DetectionReport {
  const began = performance.now();
  const cpuBefore = process.cpuUsage();
  const workload = detectionWorkload(options.seed, options.regionHours, options.profile);
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
  return {
    seed: options.seed,
    simulatedRegionHours,
    wallMs,
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    regionHoursPerSecond: Math.round(simulatedRegionHours / Math.max(wallMs / 1000, 0.001)),
    injected,
    engine: { steps: run.steps, episodes: run.episodes },
    policies,
  };
}
