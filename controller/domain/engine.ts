import type { Config } from '../config/schema.js';
import { assess } from './assess.js';
import { decide, initialTopology } from './decide.js';
import { HealthWindows } from './health-windows.js';
import type { Millis } from './time.js';
import type { Assessment, Command, Condition, DatabaseStatus, Decision, Observation, Topology, WindowSummary } from './types.js';

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
  /** Operator commands and executor reports, in arrival order. */
  commands: readonly Command[];
  database?: DatabaseStatus;
  readiness?: readonly Condition[];
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
  return { settings, windows: new HealthWindows(settings.detection.window, settings.probe.latencyBudget), topology };
}

/** Replaces the topology (e.g. after reading it from the store) keeping the windows. */
export function withTopology(state: EngineState, topology: Topology): EngineState {
  return { ...state, topology };
}

/** The window summaries this state holds, for publishing to the other replicas. */
export function localSummaries(state: EngineState, now: Millis): WindowSummary[] {
  return state.windows.summarize(now);
}

export function engineStep(state: EngineState, input: EngineInput, now: Millis): EngineStep {
  state.windows.addAll(input.observations);
  const summaries = input.summaries ? [...state.windows.summarize(now), ...input.summaries] : state.windows.summarize(now);
  const assessment = assess(summaries, state.settings, now);
  const { topology, decisions } = decide(
    state.topology,
    { assessment, commands: input.commands, database: input.database, readiness: input.readiness },
    state.settings,
    now,
  );
  return { state: { ...state, topology }, decisions, assessment };
}
