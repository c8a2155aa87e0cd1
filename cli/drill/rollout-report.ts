import { describeChange } from '../../controller/changes/notes.js';
import type { Millis } from '../../kernel/time.js';
import type { RolloutOutcome } from './rollout.js';
import type { DrillRollout, DrillScenario } from './scenario.js';

/** What a rehearsed rollout did, measured against the target: a bad change reaches at most one region, and the halt comes within one bake. */
export interface RolloutDrillReport {
  rollout: string;
  commit: string;
  status: 'done' | 'halted' | 'failed' | 'refused';
  reason?: string;
  /** The stacks applied, in the order the rollout took them, and those it never applied. */
  applied: string[];
  neverApplied: string[];
  /** The stack in whose bake (or before whose apply) the rollout stopped. */
  haltedAt?: string;
  /** The change registered for that stack. */
  change?: string;
  /** The regions a bad change (a stack whose change injects a fault) was applied to. */
  badChangeReached: string[];
  bakeMs: Millis;
  /** From the end of the breaking apply to the halt. */
  haltedAfterMs?: Millis;
  withinBake?: boolean;
  /** A decision of the controller named the change (its reason, when one did). */
  decisionNamedChange: boolean;
  namedBy?: string;
}

/** The decision reason (one of `reasons`) that names the change registered for the stack the rollout halted at. */
export function namingReason(outcome: RolloutOutcome, commit: string, reasons: Iterable<string>): string | undefined {
  if (!('report' in outcome)) return undefined;
  const { report } = outcome;
  const change = report.status === 'done' ? undefined : report.change;
  const step = change && report.applied.find((a) => a.change === change);
  if (!step) return undefined;
  const named = describeChange({ commit, regions: step.regions, stack: step.stack, rollout: outcome.id });
  for (const reason of reasons) if (reason.includes(named)) return reason;
  return undefined;
}

/** The rollout has ended and, when it halted on a change, a decision has named it: nothing more to watch for. */
export function rehearsalSettled(outcome: RolloutOutcome | undefined, commit: string, reasons: Iterable<string>): boolean {
  if (!outcome) return false;
  const haltedOnChange = 'report' in outcome && outcome.report.status !== 'done' && outcome.report.change !== undefined;
  return !haltedOnChange || namingReason(outcome, commit, reasons) !== undefined;
}

/** Summarises the rehearsed rollout and lists how it missed the scenario's expectation. */
export function judgeRollout(rollout: DrillRollout, expected: DrillScenario['expect']['rollout'], outcome: RolloutOutcome, reasons: Iterable<string>): { report: RolloutDrillReport; problems: string[] } {
  const haltsAt = expected?.haltsAt;
  const base = { rollout: outcome.id, commit: rollout.commit, bakeMs: rollout.bake };
  if (!('report' in outcome)) {
    const report: RolloutDrillReport = { ...base, status: 'refused', reason: outcome.error, applied: [], neverApplied: [...rollout.stacks], badChangeReached: [], decisionNamedChange: false };
    return { report, problems: [`the rollout did not start: ${outcome.error}`] };
  }
  const r = outcome.report;
  const badChangeReached = [...new Set(r.applied.filter((a) => rollout.changes[a.stack] !== undefined).flatMap((a) => a.regions))];
  const namedBy = namingReason(outcome, rollout.commit, reasons);
  const report: RolloutDrillReport = { ...base, status: r.status, applied: r.applied.map((a) => a.stack), neverApplied: r.status === 'done' ? [] : r.untouched, badChangeReached, decisionNamedChange: namedBy !== undefined };
  if (r.status !== 'done') {
    Object.assign(report, { reason: r.reason, haltedAt: r.stack }, r.change && { change: r.change });
    if (r.detectedAfterMs !== undefined) Object.assign(report, { haltedAfterMs: r.detectedAfterMs, withinBake: r.detectedAfterMs <= rollout.bake });
    if (namedBy) report.namedBy = namedBy;
  }

  const problems: string[] = [];
  if (haltsAt === undefined && r.status !== 'done') problems.push(`expected the rollout to finish; it ${r.status} at ${r.stack}: ${r.reason}`);
  if (haltsAt !== undefined && (r.status !== 'halted' || r.stack !== haltsAt)) {
    problems.push(`expected the rollout to halt in the bake of ${haltsAt}; ${r.status === 'done' ? 'it finished' : `it ${r.status} at ${r.stack}: ${r.reason}`}`);
  }
  if (badChangeReached.length > 1) problems.push(`the bad change reached ${badChangeReached.length} regions (${badChangeReached.join(', ')}); at most one may be reached`);
  if (report.withinBake === false) problems.push(`the rollout halted ${report.haltedAfterMs}ms after the breaking apply, later than one bake (${rollout.bake}ms)`);
  if (haltsAt !== undefined && report.change !== undefined && !namedBy) problems.push(`no decision of the controller named change ${report.change} (${rollout.commit.slice(0, 7)} to stack ${report.haltedAt})`);
  return { report, problems };
}

export function renderRollout(report: RolloutDrillReport): string[] {
  const ms = (v: Millis) => `${(v / 1000).toFixed(2)}s`;
  const lines = [
    `  rollout ${report.rollout} (${report.commit.slice(0, 7)}, bake ${ms(report.bakeMs)}): ${report.status}${report.haltedAt ? ` at ${report.haltedAt}` : ''}${report.reason ? `: ${report.reason}` : ''}`,
    `    applied             ${report.applied.join(', ') || 'nothing'}`,
    `    never applied       ${report.neverApplied.join(', ') || 'nothing'}`,
    `    bad change reached  ${report.badChangeReached.join(', ') || 'no region'} (${report.badChangeReached.length} of at most 1)`,
  ];
  if (report.haltedAfterMs !== undefined) lines.push(`    halted after        ${ms(report.haltedAfterMs)} of the ${ms(report.bakeMs)} bake (${report.withinBake ? 'within' : 'LATER THAN'} one bake)`);
  if (report.change) lines.push(`    decision named it   ${report.namedBy ? `yes: ${report.namedBy}` : 'no'}`);
  return lines;
}
