import type { Config } from '../config/schema.js';
import { describeConfirmation, quorumOf } from './assess.js';
import { accrue, answeredAgain, describeBalance, fade, failingUnconfirmed, movingCost, stayingRate } from './cost.js';
import { checkGuards, completesFailedFlip, firstFailure, retryBlocked, type FlipProposal, type GuardContext } from './guards.js';
import type { Millis } from '../../kernel/time.js';
import { formatDuration } from '../../kernel/time.js';
import type { Assessment, Command, Condition, DatabaseStatus, Decision, FlipMode, Operation, PlanReport, RegionName, StepKind, Topology, Verdict } from './types.js';

export type DecideSettings = Pick<Config, 'regions' | 'services' | 'failover' | 'detection'>;

export interface DecideInput {
  assessment: Assessment;
  commands: readonly Command[];
  database: DatabaseStatus | undefined;
  readiness: readonly Condition[] | undefined;
  /** The active plan as its journal tells it. Without it, an active plan is taken as still running. */
  plan?: PlanReport | undefined;
  /** Fencing token of the lease holding that would run a flip decided now (absent in a dry run). */
  leaseToken?: number | undefined;
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
 * The active plan's outcome (from the journal) is settled first, then a writer moved outside the
 * controller is adopted, then operator commands are handled in order, and last automation looks at
 * the assessment. Every branch returns a decision with a reason a human can read. Pure: time is `now`.
 */
export function decide(topology: Topology, input: DecideInput, config: DecideSettings, now: Millis): { topology: Topology; decisions: Decision[] } {
  const decisions: Decision[] = [];
  let current = topology;
  const settled = settlePlan(current, input.plan, config, now);
  if (settled) {
    current = settled.topology;
    decisions.push(settled.decision);
  }
  const adopted = adoptObservedWriter(current, input.database, now);
  if (adopted) {
    current = adopted.topology;
    decisions.push(adopted.decision);
  }
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
  if (topology.primarySince !== undefined && database.at <= topology.primarySince) return undefined;
  const next: Topology = { ...withoutSuspicion(topology), phase: 'failed-over', primary: database.writerRegion, lostPrimary: topology.primary, primarySince: now };
  return {
    topology: next,
    decision: { kind: 'none', at: now, reason: `adopted ${database.writerRegion} as primary: the database writer moved there outside the controller (recorded primary was ${topology.primary})` },
  };
}

function context(topology: Topology, input: DecideInput, config: DecideSettings, now: Millis): GuardContext {
  return { config, topology, assessment: input.assessment, database: input.database, readiness: input.readiness, leaseToken: input.leaseToken, now };
}

function startFlip(topology: Topology, proposal: FlipProposal, reason: string, now: Millis, command?: { id: string; actor: string }): { topology: Topology; decision: Decision; guardsFailed?: undefined } {
  const sequence = topology.sequence + 1;
  const planId = `plan-${sequence}-${proposal.operation}-${proposal.from}-to-${proposal.to}`;
  const next: Topology = {
    ...topology,
    phase: proposal.operation === 'failback' ? 'failing-back' : 'failing-over',
    active: { planId, operation: proposal.operation, mode: proposal.mode, from: proposal.from, to: proposal.to, startedAt: now },
    // Finishing a flip whose failed plan already changed the world is that same flip, not another.
    flips: completesFailedFlip(topology, proposal) ? topology.flips : [...topology.flips, now],
    sequence,
  };
  delete next.suspectSince;
  delete next.suspectRegion;
  delete next.pressure;
  delete next.pressureAt;
  delete next.pressureBeforeAnswers;
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

/** A failed flip's changes in words: which steps changed the world, and whether the database moved. */
function describeChanges(changed: readonly StepKind[]): string {
  if (changed.length === 0) return 'changing nothing (no flip counted, no cooldown started)';
  return `after changing ${changed.join(', ')} (the database writer ${changed.includes('promote-database') ? 'was promoted' : 'did not move'})`;
}

function withoutOne(flips: readonly Millis[], at: Millis): Millis[] {
  const index = flips.indexOf(at);
  return index < 0 ? [...flips] : [...flips.slice(0, index), ...flips.slice(index + 1)];
}

/**
 * Settles the active plan once its journal says it ended: on success the new primary; on failure
 * the old one, with the failure remembered. A failed plan that changed nothing gives its flip back
 * (no cooldown, no flip counted), so the next decision may move at once: the suspicion that
 * started a failed failover stands, with as much cost of staying as a suspicion can hold.
 */
function settlePlan(topology: Topology, report: PlanReport | undefined, config: DecideSettings, now: Millis): { topology: Topology; decision: Decision } | undefined {
  const active = topology.active;
  if (!active || !report || report.planId !== active.planId || report.status === 'running') return undefined;
  const next: Topology = { ...topology };
  delete next.active;
  const took = formatDuration(now - active.startedAt);
  const flip = `${active.operation} ${active.from} -> ${active.to}`;
  if (report.status === 'succeeded') {
    next.primary = active.to;
    next.primarySince = now;
    delete next.lastFailure;
    if (active.mode === 'unplanned') {
      next.phase = 'failed-over';
      next.lostPrimary = active.from;
    } else {
      next.phase = 'steady';
      delete next.lostPrimary;
    }
    return {
      topology: next,
      decision: { kind: 'plan-finished', at: now, planId: active.planId, ok: true, status: 'succeeded', changed: report.changed, reason: `${flip} completed in ${took}; primary is now ${active.to}` },
    };
  }
  const status = report.status === 'missing' ? 'abandoned' : report.status;
  const error = report.error ?? (report.status === 'missing' ? 'the journal has no record of the plan' : 'no error recorded');
  if (report.changed.length === 0) next.flips = withoutOne(topology.flips, active.startedAt);
  next.phase = topology.lostPrimary ? 'failed-over' : 'steady';
  if (active.operation === 'failover') {
    const { failover, dataLoss, cooldown } = config.detection.cost;
    Object.assign(next, { phase: 'suspect', suspectSince: active.startedAt, suspectRegion: active.from, pressure: 2 * (failover + dataLoss + cooldown), pressureAt: now });
  }
  // A failed attempt to finish a half-done move leaves the world as half done as before.
  const previous = topology.lastFailure;
  const sameMove = previous !== undefined && previous.from === active.from && previous.to === active.to;
  const changed = sameMove ? [...new Set([...previous.changed, ...report.changed])] : report.changed;
  next.lastFailure = { ...active, error, changed, at: now, fenceToken: report.fenceToken, failures: (previous?.failures ?? 0) + 1 };
  return {
    topology: next,
    decision: {
      kind: 'plan-finished',
      at: now,
      planId: active.planId,
      ok: false,
      status,
      changed: report.changed,
      reason: `plan ${active.planId} (${flip}) ${status} after ${took}, ${describeChanges(report.changed)}: ${error}; primary is still ${topology.primary}`,
    },
  };
}

/**
 * The standby to fail over to: healthy ones first, then ones this lease holding may try now (not
 * backing off after its own failed plan to them), then the least replication lag, then config order.
 */
export function chooseTarget(topology: Topology, input: Pick<DecideInput, 'assessment' | 'database' | 'leaseToken'>, config: Pick<Config, 'regions' | 'failover'>, now: Millis): RegionName | undefined {
  const standbys = config.regions.map((r) => r.name).filter((r) => r !== topology.primary);
  const score = (region: RegionName) =>
    [
      input.assessment.verdicts[region]?.health === 'healthy' ? 0 : 1,
      retryBlocked(topology, region, input.leaseToken, config, now) ? 1 : 0,
      input.database?.lagMs[region] ?? Number.POSITIVE_INFINITY,
    ] as const;
  return [...standbys].sort((a, b) => {
    const [ha, ra, la] = score(a);
    const [hb, rb, lb] = score(b);
    return ha - hb || ra - rb || la - lb;
  })[0];
}

/** `; after plan X failed: ...` while an earlier failure is recent, so the next decision names it. */
function afterFailure(topology: Topology, config: DecideSettings, now: Millis): string {
  const failed = topology.lastFailure;
  if (!failed || now - failed.at >= config.failover.cooldown) return '';
  return `; after plan ${failed.planId} (${failed.operation} ${failed.from} -> ${failed.to}) failed ${formatDuration(now - failed.at)} ago: ${failed.error}`;
}

function none(topology: Topology, reason: string, now: Millis): { topology: Topology; decision: Decision } {
  return { topology, decision: { kind: 'none', at: now, reason } };
}

function withoutSuspicion(topology: Topology): Topology {
  if (topology.phase !== 'suspect') return topology;
  const next: Topology = { ...topology, phase: topology.lostPrimary ? 'failed-over' : 'steady' };
  delete next.suspectSince;
  delete next.suspectRegion;
  delete next.pressure;
  delete next.pressureAt;
  delete next.pressureBeforeAnswers;
  return next;
}

/**
 * The primary is not failed (nor failing from a quorum): accrued cost fades once fewer than half
 * its vantage points see it failing (while half or more do, as on a gray failure's way up, it is
 * kept), and the suspicion ends once none is left and it is older than a detection window (a
 * failure that flickers in its first seconds keeps its suspicion instead of starting over).
 */
function fadeSuspicion(topology: Topology, verdict: Verdict | undefined, config: DecideSettings, now: Millis): { topology: Topology; fading: string } {
  if (topology.phase !== 'suspect') return { topology: withoutSuspicion(topology), fading: '' };
  const kept = verdict !== undefined && verdict.health !== 'healthy' && verdict.reportingVantages > 0 && (verdict.failingVantages ?? 0) * 2 >= verdict.reportingVantages;
  const rate = kept ? config.detection.cost.fade / 2 : config.detection.cost.fade;
  // A failure fading after the app answered again: what accrued since was the windows' memory of it.
  const accrued = kept ? topology.pressure : (topology.pressureBeforeAnswers ?? topology.pressure);
  const left = fade(accrued ?? 0, topology.pressureAt ?? now, now, rate);
  const young = now - (topology.suspectSince ?? now) < config.detection.window;
  if (left <= 0 && !young) return { topology: withoutSuspicion(topology), fading: '' };
  const rounded = Math.round(left * 10) / 10;
  const fading = kept ? `; suspicion kept: failing from ${verdict.failingVantages}/${verdict.reportingVantages} vantage points, cost of staying ${rounded}` : `; suspicion fading: cost of staying ${rounded} left (fades at ${rate}/s)`;
  const next: Topology = { ...topology, pressure: left, pressureAt: now };
  delete next.pressureBeforeAnswers;
  return { topology: next, fading };
}

function automate(topology: Topology, input: DecideInput, config: DecideSettings, now: Millis): { topology: Topology; decision: Decision } {
  const { assessment } = input;
  if (topology.active) {
    const a = topology.active;
    return none(topology, `waiting: plan ${a.planId} (${a.operation} ${a.from} -> ${a.to}) running for ${formatDuration(now - a.startedAt)}`, now);
  }
  const primary = topology.primary;
  const verdict = assessment.verdicts[primary];
  // A failure its vantage points see answered again is over, though their windows still remember it.
  const answeringAgain = verdict?.health === 'failed' && (verdict.failingVantages ?? 0) < quorumOf(verdict.reportingVantages, config.detection.quorum);
  const primaryFailed = verdict?.health === 'failed' && !answeringAgain;
  const unconfirmed = !primaryFailed && failingUnconfirmed(primary, assessment, config.detection.quorum);

  if (!primaryFailed && !unconfirmed) {
    const { topology: next, fading } = fadeSuspicion(topology, verdict, config, now);
    const recovered = topology.phase === 'suspect' && next.phase !== 'suspect' && topology.suspectSince !== undefined ? `primary ${primary} recovered after ${formatDuration(now - topology.suspectSince)}; ` : '';
    const lost = next.lostPrimary ? `; ${next.lostPrimary} was lost in a failover (fail back with \`fcp failback\` once it is healthy)` : '';
    const observer = assessment.classification === 'observer' || assessment.classification === 'partition' ? ` (${assessment.reason})` : '';
    const again = answeringAgain ? ', answering again' : '';
    return none(next, `${recovered}no action: primary ${primary} ${verdict?.health ?? 'unknown'}${again}${observer}${fading}${lost}`, now);
  }

  if (primaryFailed && assessment.classification !== 'regional') {
    return none(withoutSuspicion(topology), `no failover: ${assessment.reason}`, now);
  }

  const starting = topology.phase !== 'suspect';
  const since = starting ? now : (topology.suspectSince ?? now);
  const target = chooseTarget(topology, input, config, now);
  if (!target) return none(withoutSuspicion(topology), `no failover: primary ${primary} failed but there is no standby region`, now);
  const critical = new Set(config.services.filter((s) => s.critical).map((s) => s.name));
  // Failing without confidence yet accrues at the full rate, but never moves traffic by itself.
  const staying = stayingRate(verdict!, config.detection.cost, critical, assessment.cutOffVantages);
  const moving = movingCost(target, input.database, topology, config, now);
  // The first step of a suspicion accrues nothing: the failure is known to have lasted only since now.
  const previous = starting ? 0 : (topology.pressure ?? 0);
  const accrued = starting ? 0 : accrue(previous, topology.pressureAt ?? now, now, staying.rate, 2 * moving.cost, config.detection.window);
  const next: Topology = { ...topology, phase: 'suspect', suspectSince: since, suspectRegion: primary, pressure: accrued, pressureAt: now };
  delete next.pressureBeforeAnswers;
  // While the app answers again, a move is decided on the cost accrued before those answers.
  const answered = answeredAgain(verdict!, critical, config.detection.quorum, assessment.cutOffVantages);
  if (answered) next.pressureBeforeAnswers = topology.pressureBeforeAnswers ?? previous;
  const pressure = next.pressureBeforeAnswers ?? accrued;
  const balance = `${describeBalance(pressure, staying, moving)}${answered ? `; ${answered}: deciding on the cost before those answers (${Math.round(accrued * 10) / 10} with them)` : ''}`;
  if (!primaryFailed) {
    return none(next, `suspect: primary ${primary} ${verdict!.summary}, failing from ${verdict!.failingVantages}/${verdict!.reportingVantages} vantage points without confidence yet; ${balance}; a failover waits for a failed verdict`, now);
  }

  if (now - since < config.detection.confirmFor) {
    return none(next, `suspect: primary ${primary} ${verdict.summary}; confirming for ${formatDuration(config.detection.confirmFor)}, ${formatDuration(now - since)} so far; ${balance}`, now);
  }
  if (pressure < moving.cost) {
    return none(next, `suspect: primary ${primary} ${verdict.summary}; ${balance}; waiting`, now);
  }
  const confirmation = `regional outage confirmed by ${describeConfirmation(verdict, since, now)}; ${balance}`;
  if (!config.failover.automatic) {
    return none(next, `would fail over ${primary} -> ${target} (${confirmation}), but automatic failover is off; run \`fcp failover --to ${target}\``, now);
  }
  const proposal: FlipProposal = { operation: 'failover', mode: 'unplanned', trigger: 'automatic', from: primary, to: target, force: false };
  return propose(next, proposal, `failover ${primary} -> ${target}: ${confirmation}${afterFailure(topology, config, now)}`, input, config, now);
}
