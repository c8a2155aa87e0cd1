import type { Config } from '../config/schema.js';
import { assess } from './assess.js';
import { decide, initialTopology } from './decide.js';
import { HealthWindows } from './health-windows.js';
import { databaseObservations } from './region-signals.js';
import type { Millis } from '../../kernel/time.js';
import type { Assessment, Command, Condition, DatabaseStatus, Decision, Observation, PlanReport, Topology, WindowSummary } from './types.js';

/**
 * The decision engine: `(state, observations, commands, now) -> (state', decisions)`. No I/O, no
 * clock, no unseeded randomness, so the simulator can replay years of signals in seconds.
 */

export type EngineSettings = Pick<Config, 'regions' | 'services' | 'detection' | 'failover' | 'probe'>;

export interface EngineInput {
  /** This process's own probe results since the last step. */
  observations: readonly Observation[];
  /** Other replicas' published window summaries (the lease holder counts quorum over them too). */
  summaries?: readonly WindowSummary[];
  /** Operator commands, in arrival order. */
  commands: readonly Command[];
  database?: DatabaseStatus;
  readiness?: readonly Condition[];
  /** The active plan as its journal tells it (read from the store at every step). */
  plan?: PlanReport;
  /** Fencing token of the lease holding that runs what this step decides. */
  leaseToken?: number;
}

export interface EngineState {
  readonly settings: EngineSettings;
  /** Mutable sliding windows of this process's own observations; owned by the state. */
  readonly windows: HealthWindows;
  readonly topology: Topology;
}

export interface EngineStep {
  state: EngineState;
  decisions: Decision[];
  assessment: Assessment;
}

export function createEngineState(settings: EngineSettings, _now: Millis, topology: Topology = initialTopology(settings)): EngineState {
  return { settings, windows: new HealthWindows(settings), topology };
}

/** The topology with the classification hold the assessment says to keep. */
function withHold(topology: Topology, assessment: Assessment): Topology {
  if (JSON.stringify(topology.hold) === JSON.stringify(assessment.hold)) return topology;
  const next: Topology = { ...topology };
  if (assessment.hold) next.hold = assessment.hold;
  else delete next.hold;
  return next;
}

export function engineStep(state: EngineState, input: EngineInput, now: Millis): EngineStep {
  const { settings, windows } = state;
  windows.addAll(input.observations);
  // The database status read this step is a sample of the writer region's own signals.
  if (input.database) windows.addAll(databaseObservations(input.database, settings.detection));
  const own = windows.summarize(now);
  // Other replicas' summaries are aged on this process's clock: clocks are never compared.
  const summaries = input.summaries ? [...own, ...windows.receive(input.summaries, now)] : own;
  const assessment = assess(summaries, settings, now, state.topology.hold);
  const { topology, decisions } = decide(
    withHold(state.topology, assessment),
    { assessment, commands: input.commands, database: input.database, readiness: input.readiness, plan: input.plan, leaseToken: input.leaseToken },
    state.settings,
    now,
  );
  return { state: { ...state, topology }, decisions, assessment };
}
