import type { Config } from '../config/schema.js';
import { describeConfirmation } from './assess.js';
import { checkGuards, firstFailure, type FlipProposal, type GuardContext } from './guards.js';
import type { Millis } from './time.js';
import { formatDuration } from './time.js';
import type { Assessment, Command, Condition, DatabaseStatus, Decision, FlipMode, Operation, RegionName, Topology, Trigger } from './types.js';

export type DecideSettings = Pick<Config, 'regions' | 'failover' | 'detection'>;

export interface DecideInput {
  assessment: Assessment;
  commands: readonly Command[];
  database: DatabaseStatus | undefined;
  readiness: readonly Condition[] | undefined;
}

export function initialTopology(config: Pick<Config, 'regions'>): Topology {
  const primary = config.regions.find((r) => r.role === 'primary')!.name;
  return { phase: 'steady', primary, flips: [], sequence: 0 };
}

export function configuredPrimary(config: Pick<Config, 'regions'>): RegionName {
  return config.regions.find((r) => r.role === 'primary')!.name;
}

/**
 * The topology state machine (steady -> suspect -> failing-over -> failed-over -> failing-back).
 * Operator commands are handled first, in order; then automation looks at the assessment. Every
 * branch returns a decision with a reason a human can read. Pure: time is `now`.
 */
export function decide(topology: Topology, input: DecideInput, config: DecideSettings, now: Millis): { topology: Topology; decisions: Decision[] } {
  const adopted = adoptObservedWriter(topology, input.database, now);
  let current = adopted?.topology ?? topology;
  const decisions: Decision[] = adopted ? [adopted.decision] : [];
  for (const command of input.commands) {
    const result = applyCommand(current, command, input, config, now);
    current = result.topology;
    decisions.push(result.decision);
  }
  const automatic = automate(current, input, config, now);
  decisions.push(automatic.decision);
  return { topology: automatic.topology, decisions };
}

/**
 * Level-triggered reconciliation: when no plan runs and the database's writer is not the recorded
 * primary (the writer moved outside the controller: a break-glass run, a console action), the
 * world wins and the topology follows it.
 */
function adoptObservedWriter(topology: Topology, database: DatabaseStatus | undefined, now: Millis): { topology: Topology; decision: Decision } | undefined {
  if (!database || database.transitioning || topology.active || database.writerRegion === topology.primary) return undefined;
  const next: Topology = { ...topology, phase: 'failed-over', primary: database.writerRegion, lostPrimary: topology.primary };
  delete next.suspectSince;
  delete next.suspectRegion;
  return {
    topology: next,
    decision: { kind: 'none', at: now, reason: `adopted ${database.writerRegion} as primary: the database writer moved there outside the controller (recorded primary was ${topology.primary})` },
  };
}

function context(topology: Topology, input: DecideInput, config: DecideSettings, now: Millis): GuardContext {
  return { config, topology, assessment: input.assessment, database: input.database, readiness: input.readiness, now };
}

function startFlip(topology: Topology, proposal: FlipProposal, reason: string, now: Millis, command?: { id: string; actor: string }): { topology: Topology; decision: Decision; guardsFailed?: undefined } {
  const sequence = topology.sequence + 1;
  const planId = `plan-${sequence}-${proposal.operation}-${proposal.from}-to-${proposal.to}`;
  const next: Topology = {
    ...topology,
    phase: proposal.operation === 'failback' ? 'failing-back' : 'failing-over',
    active: { planId, operation: proposal.operation, mode: proposal.mode, from: proposal.from, to: proposal.to, startedAt: now },
    flips: [...topology.flips, now],
    sequence,
  };
  delete next.suspectSince;
  delete next.suspectRegion;
  const decision: Decision = {
    kind: 'flip',
    at: now,
    planId,
    operation: proposal.operation,
    mode: proposal.mode,
    trigger: proposal.trigger,
    from: proposal.from,
    to: proposal.to,
    reason,
    guards: [],
  };
  if (command) {
    decision.commandId = command.id;
    decision.actor = command.actor;
  }
  return { topology: next, decision };
}

/** Proposes a flip, runs the guards, and either starts it or refuses with the first failing guard's reason. */
function propose(topology: Topology, proposal: FlipProposal, describe: string, input: DecideInput, config: DecideSettings, now: Millis, command?: { id: string; actor: string }): { topology: Topology; decision: Decision } {
  const guards = checkGuards(proposal, context(topology, input, config, now));
  const failed = firstFailure(guards);
  if (failed) {
    const decision: Decision = { kind: 'refuse', at: now, reason: `refused ${describe}: ${failed.reason}`, guards };
    if (command) {
      decision.commandId = command.id;
      decision.actor = command.actor;
    }
    return { topology, decision };
  }
  const overridden = guards.filter((g) => g.overridden).map((g) => g.guard);
  const reason = `${describe}${overridden.length > 0 ? ` (forced past: ${overridden.join(', ')})` : ''}`;
  const started = startFlip(topology, proposal, reason, now, command);
  (started.decision as Extract<Decision, { kind: 'flip' }>).guards = guards;
  return started;
}

function applyCommand(topology: Topology, command: Command, input: DecideInput, config: DecideSettings, now: Millis): { topology: Topology; decision: Decision } {
  switch (command.kind) {
    case 'pause': {
      const next = { ...topology, paused: { reason: command.reason, actor: command.actor, at: now } };
      return { topology: next, decision: { kind: 'pause', at: now, reason: `automation paused by ${command.actor}: ${command.reason}`, commandId: command.id, actor: command.actor } };
    }
    case 'resume': {
      const next = { ...topology };
      delete next.paused;
      return { topology: next, decision: { kind: 'resume', at: now, reason: `automation resumed by ${command.actor}: ${command.reason}`, commandId: command.id, actor: command.actor } };
    }
    case 'plan-finished':
      return finishPlan(topology, command, now);
    case 'failover':
    case 'switchover': {
      const operation: Operation = command.kind;
      const mode: FlipMode = command.kind === 'switchover' ? 'planned' : 'unplanned';
      const proposal: FlipProposal = { operation, mode, trigger: 'manual', from: topology.primary, to: command.to, force: command.force ?? false };
      return propose(topology, proposal, `manual ${operation} ${topology.primary} -> ${command.to} by ${command.actor}: ${command.reason}`, input, config, now, command);
    }
    case 'failback': {
      const home = configuredPrimary(config);
      const proposal: FlipProposal = { operation: 'failback', mode: 'planned', trigger: 'manual', from: topology.primary, to: home, force: command.force ?? false };
      if (topology.primary === home) {
        const guards = checkGuards(proposal, context(topology, input, config, now));
        return { topology, decision: { kind: 'refuse', at: now, reason: `refused failback: ${home} (the configured primary) is already the primary`, guards, commandId: command.id, actor: command.actor } };
      }
      return propose(topology, proposal, `manual failback ${topology.primary} -> ${home} by ${command.actor}: ${command.reason}`, input, config, now, command);
    }
  }
}

/** The topology after the executor reports on a plan: the new primary on success, unchanged on failure. */
export function finishPlan(topology: Topology, command: Extract<Command, { kind: 'plan-finished' }>, now: Millis): { topology: Topology; decision: Decision } {
  const active = topology.active;
  if (!active || active.planId !== command.planId) {
    return { topology, decision: { kind: 'plan-finished', at: now, planId: command.planId, ok: command.ok, reason: `ignored report for ${command.planId}: it is not the active plan` } };
  }
  const next: Topology = { ...topology };
  delete next.active;
  const took = formatDuration(now - active.startedAt);
  if (!command.ok) {
    next.phase = topology.lostPrimary ? 'failed-over' : 'steady';
    return {
      topology: next,
      decision: { kind: 'plan-finished', at: now, planId: active.planId, ok: false, reason: `plan ${active.planId} failed after ${took}: ${command.error ?? 'no error given'}; primary is still ${topology.primary}` },
    };
  }
  next.primary = active.to;
  if (active.mode === 'unplanned') {
    next.phase = 'failed-over';
    next.lostPrimary = active.from;
  } else {
    next.phase = 'steady';
    delete next.lostPrimary;
  }
  return {
    topology: next,
    decision: { kind: 'plan-finished', at: now, planId: active.planId, ok: true, reason: `${active.operation} ${active.from} -> ${active.to} completed in ${took}; primary is now ${active.to}` },
  };
}

/** The standby to fail over to: healthy ones first, then the least replication lag, then config order. */
export function chooseTarget(topology: Topology, assessment: Assessment, database: DatabaseStatus | undefined, config: Pick<Config, 'regions'>): RegionName | undefined {
  const standbys = config.regions.map((r) => r.name).filter((r) => r !== topology.primary);
  const score = (region: RegionName) => [assessment.verdicts[region]?.health === 'healthy' ? 0 : 1, database?.lagMs[region] ?? Number.POSITIVE_INFINITY] as const;
  return [...standbys].sort((a, b) => {
    const [ha, la] = score(a);
    const [hb, lb] = score(b);
    return ha - hb || la - lb;
  })[0];
}

function none(topology: Topology, reason: string, now: Millis): { topology: Topology; decision: Decision } {
  return { topology, decision: { kind: 'none', at: now, reason } };
}

function withoutSuspicion(topology: Topology): Topology {
  if (topology.phase !== 'suspect') return topology;
  const next: Topology = { ...topology, phase: topology.lostPrimary ? 'failed-over' : 'steady' };
  delete next.suspectSince;
  delete next.suspectRegion;
  return next;
}

function automate(topology: Topology, input: DecideInput, config: DecideSettings, now: Millis): { topology: Topology; decision: Decision } {
  const { assessment } = input;
  if (topology.active) {
    const a = topology.active;
    return none(topology, `waiting: plan ${a.planId} (${a.operation} ${a.from} -> ${a.to}) running for ${formatDuration(now - a.startedAt)}`, now);
  }
  const primary = topology.primary;
  const verdict = assessment.verdicts[primary];
  const primaryFailed = verdict?.health === 'failed';

  if (!primaryFailed) {
    const next = withoutSuspicion(topology);
    const recovered = topology.phase === 'suspect' && topology.suspectSince !== undefined ? `primary ${primary} recovered after ${formatDuration(now - topology.suspectSince)}; ` : '';
    const lost = next.lostPrimary ? `; ${next.lostPrimary} was lost in a failover (fail back with \`fcp failback\` once it is healthy)` : '';
    const observer = assessment.classification === 'observer' ? ` (${assessment.reason})` : '';
    return none(next, `${recovered}no action: primary ${primary} ${verdict?.health ?? 'unknown'}${observer}${lost}`, now);
  }

  if (assessment.classification !== 'regional') {
    return none(withoutSuspicion(topology), `no failover: ${assessment.reason}`, now);
  }

  if (topology.phase !== 'suspect') {
    const next: Topology = { ...topology, phase: 'suspect', suspectSince: now, suspectRegion: primary };
    // With confirmFor 0 the verdict's own window is the confirmation: act in this same step.
    if (config.detection.confirmFor > 0) {
      return none(next, `suspect: primary ${primary} ${verdict.summary}; confirming for ${formatDuration(config.detection.confirmFor)}`, now);
    }
    topology = next;
  }

  const since = topology.suspectSince ?? now;
  if (now - since < config.detection.confirmFor) {
    return none(topology, `suspect: primary ${primary} failed for ${formatDuration(now - since)} of ${formatDuration(config.detection.confirmFor)} needed to confirm`, now);
  }

  const target = chooseTarget(topology, assessment, input.database, config);
  if (!target) return none(topology, `no failover: primary ${primary} failed but there is no standby region`, now);
  const confirmation = describeConfirmation(verdict, since, now);
  if (!config.failover.automatic) {
    return none(topology, `would fail over ${primary} -> ${target} (regional outage confirmed by ${confirmation}), but automatic failover is off; run \`fcp failover --to ${target}\``, now);
  }
  const trigger: Trigger = 'automatic';
  const proposal: FlipProposal = { operation: 'failover', mode: 'unplanned', trigger, from: primary, to: target, force: false };
  return propose(topology, proposal, `failover ${primary} -> ${target}: regional outage confirmed by ${confirmation}`, input, config, now);
}
