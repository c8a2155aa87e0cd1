import type { SandboxStats } from '../../sandbox/up.js';
import type { Config } from '../../controller/config/schema.js';
import type { Millis } from '../../kernel/time.js';
import type { Classification, Decision, Topology } from '../../controller/domain/types.js';
import type { DrillScenario } from './scenario.js';
import { sandboxSettings } from '../../sandbox/config-schema.js';
import type { RolloutOutcome } from './rollout.js';
import { judgeRollout, renderRollout, type RolloutDrillReport } from './rollout-report.js';

type FlipDecision = Extract<Decision, { kind: 'flip' }>;
type SettledDecision = Extract<Decision, { kind: 'plan-finished' }>;

/** What the drill saw while it watched, from the replicas' hooks and the sandbox. */
export interface Observed {
  primary: string;
  classifications: Set<Classification>;
  detectedAt?: Millis;
  flips: FlipDecision[];
  settled: SettledDecision[];
  planEnds: Map<string, { at: Millis; ok: boolean; waitedMs: Millis; error?: string }>;
  steps: Map<string, { name: string; ms: Millis }[]>;
  dbWriterAt?: Millis;
  trafficAt?: Millis;
  /** Every distinct decision reason since the injection (a rollout's change must be named in one). */
  reasons: Set<string>;
}

/** Times are from the first fault's injection (or the request's). */
export interface DrillReport {
  scenario: string;
  description: string;
  expected: DrillScenario['expect'];
  happened: {
    /** The operation of the flip that completed, else of the last flip decided, else none. */
    outcome: 'failover' | 'switchover' | 'failback' | 'none';
    to?: string;
    planId?: string;
    planStatus?: string;
    /** Flips decided (a failed plan re-decided counts twice). */
    flips: number;
    classifications: Classification[];
    /** Route 53 control-plane calls (ChangeResourceRecordSets, GetChange) during the drill. */
    route53Changes: number;
    /** Side effects as the sandbox counted them: each must happen once for one move. */
    promotions: number;
    routingUpdates: number;
    /** The stored topology at the end: no plan left active, and it names the real writer. */
    topology?: { primary: string; activePlan?: string; matchesWorld: boolean };
  };
  /** The expectation held. */
  ok: boolean;
  /** How it did not. */
  problems: string[];
  /** A flip completed: its plan succeeded and the database writer is its target. */
  completed: boolean;
  from: string;
  to?: string;
  planId?: string;
  error?: string;
  detectedAfterMs?: Millis;
  decidedAfterMs?: Millis;
  dbWriterAfterMs?: Millis;
  trafficFlippedAfterMs?: Millis;
  /** From the first failed client request to the last one. */
  clientOutageMs: Millis;
  /** What the client outage may be at most: decision + public DNS TTL + 3 s. */
  clientOutageBoundMs?: Millis;
  writesCommitted: number;
  writesLost: number;
  /** From decision to plan done, minus the time spent inside AWS calls and the waits they make. */
  controllerOverheadMs?: Millis;
  steps: { name: string; ms: Millis }[];
  /** A scenario's rehearsed rollout: what it applied, where it halted and how soon. */
  rollout?: RolloutDrillReport;
}

export interface Measured {
  injectedAt: Millis;
  stats: SandboxStats;
  topology?: Topology;
  clientOutageMs: Millis;
  route53Changes: number;
  watchError?: string;
  rollout?: RolloutOutcome;
}

/** The public name's TTL: how long clients may keep resolving to the old region. */
function publicTtlMs(config: Config): Millis {
  return (config.traffic.mechanism === 'route53' ? config.traffic.ttl : sandboxSettings(config).publicRecordTtl) * 1000;
}

/** Turns what the drill saw into its report, and judges it against the scenario's expectation. */
export function judge(scenario: DrillScenario, config: Config, seen: Observed, measured: Measured): DrillReport {
  const { stats, injectedAt } = measured;
  const since = (at: Millis | undefined) => (at === undefined ? undefined : at - injectedAt);
  const succeeded = seen.settled.filter((d) => d.ok).at(-1);
  const flip = (succeeded && seen.flips.find((f) => f.planId === succeeded.planId)) ?? seen.flips.at(-1);
  const end = flip && seen.planEnds.get(flip.planId);
  const completed = succeeded !== undefined && flip?.planId === succeeded.planId && stats.dbWriter === flip.to;
  const expect = scenario.expect;

  const problems: string[] = [];
  if (expect.outcome === 'none') {
    for (const f of seen.flips) problems.push(`expected no flip, but the controller decided: ${f.reason}`);
  } else {
    if (!completed) problems.push(`expected a completed ${expect.outcome}${measured.watchError ? `: ${measured.watchError}` : ''}${end?.error ? `; the plan failed: ${end.error}` : ''}`);
    if (flip && flip.operation !== expect.outcome) problems.push(`expected a ${expect.outcome}, got a ${flip.operation}`);
    if (expect.to && flip && flip.to !== expect.to) problems.push(`expected the move to go to ${expect.to}, it went to ${flip.to}`);
  }
  if (expect.classification && !seen.classifications.has(expect.classification)) {
    problems.push(`expected the classification "${expect.classification}", saw ${[...seen.classifications].join(', ') || 'none'}`);
  }
  if (expect.noRoute53Changes && measured.route53Changes > 0) problems.push(`expected no Route 53 control-plane call, saw ${measured.route53Changes}`);
  const promotions = (stats.calls.rds.SwitchoverGlobalCluster ?? 0) + (stats.calls.rds.FailoverGlobalCluster ?? 0);
  const routingUpdates = stats.calls.arc.UpdateRoutingControlStates ?? 0;
  const on = Object.entries(stats.routingControls).filter(([, state]) => state === 'On').map(([region]) => region);
  const topology = measured.topology;
  const matchesWorld = topology !== undefined && topology.primary === stats.dbWriter && (config.traffic.mechanism !== 'arc' || (on.length === 1 && on[0] === topology.primary));
  if (expect.outcome !== 'none') {
    if (promotions !== 1) problems.push(`expected exactly one database promotion, the sandbox counted ${promotions}`);
    if (config.traffic.mechanism === 'arc' && routingUpdates !== 1) problems.push(`expected exactly one routing-control update, the sandbox counted ${routingUpdates}`);
  }
  if (topology?.active) problems.push(`plan ${topology.active.planId} is still active in the topology at the end (stuck)`);
  const rollout = scenario.rollout && measured.rollout && judgeRollout(scenario.rollout, expect.rollout, measured.rollout, seen.reasons);
  if (rollout) problems.push(...rollout.problems);
  if (topology && !matchesWorld) problems.push(`the stored topology names ${topology.primary} as primary, but the writer is ${stats.dbWriter} and traffic goes to ${on.join(', ') || 'no region'}`);

  const report: DrillReport = {
    scenario: scenario.name,
    description: scenario.description,
    expected: expect,
    happened: {
      outcome: flip?.operation ?? 'none',
      flips: seen.flips.length,
      classifications: [...seen.classifications].sort(),
      route53Changes: measured.route53Changes,
      promotions,
      routingUpdates,
      ...(topology && { topology: { primary: topology.primary, matchesWorld, ...(topology.active && { activePlan: topology.active.planId }) } }),
      ...(flip && { to: flip.to, planId: flip.planId }),
      ...(succeeded ? { planStatus: 'succeeded' } : flip && seen.settled.find((d) => d.planId === flip.planId) ? { planStatus: seen.settled.find((d) => d.planId === flip.planId)!.status } : {}),
    },
    ok: problems.length === 0,
    problems,
    completed,
    from: seen.primary,
    clientOutageMs: measured.clientOutageMs,
    writesCommitted: stats.writesCommitted,
    writesLost: stats.writesLost,
    steps: (flip && seen.steps.get(flip.planId)) ?? [],
    ...(rollout && { rollout: rollout.report }),
  };
  const decidedAfterMs = since(flip?.at);
  const fields: Partial<DrillReport> = {
    to: flip?.to,
    planId: flip?.planId,
    error: measured.watchError ?? end?.error,
    detectedAfterMs: scenario.request && scenario.faults.length === 0 ? decidedAfterMs : since(seen.detectedAt),
    decidedAfterMs,
    dbWriterAfterMs: since(seen.dbWriterAt),
    trafficFlippedAfterMs: since(seen.trafficAt),
    clientOutageBoundMs: decidedAfterMs === undefined ? undefined : decidedAfterMs + publicTtlMs(config) + 3000,
    controllerOverheadMs: flip && end ? Math.max(0, end.at - flip.at - end.waitedMs) : undefined,
  };
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) (report as unknown as Record<string, unknown>)[key] = value;
  return report;
}

export function renderDrill(report: DrillReport): string {
  const ms = (v: Millis | undefined) => (v === undefined ? '-' : `${(v / 1000).toFixed(2)}s`);
  const h = report.happened;
  const lines = [
    `Drill: ${report.scenario} — ${report.ok ? 'AS EXPECTED' : 'NOT AS EXPECTED'}`,
    `  ${report.description}`,
    `  expected: ${report.expected.outcome}${report.expected.to ? ` to ${report.expected.to}` : ''}${report.expected.classification ? `, classification ${report.expected.classification}` : ''}${report.expected.noRoute53Changes ? ', no Route 53 API call' : ''}${report.expected.rollout ? `, the rollout ${report.expected.rollout.haltsAt ? `halts in the bake of ${report.expected.rollout.haltsAt}` : 'finishes'}` : ''}`,
    `  happened: ${h.outcome}${h.to ? ` ${report.from} -> ${h.to}` : ''}${h.planStatus ? ` (plan ${h.planStatus})` : ''}; ${h.flips} flip decision(s); classifications seen: ${h.classifications.join(', ') || '-'}`,
    `  side effects: ${h.promotions} promotion(s), ${h.routingUpdates} routing update(s), ${h.route53Changes} Route 53 change call(s); stored topology: ${h.topology ? `primary ${h.topology.primary}${h.topology.activePlan ? `, plan ${h.topology.activePlan} still active` : ''}${h.topology.matchesWorld ? ', matches the world' : ', DOES NOT match the world'}` : 'unreadable'}`,
    ...(report.rollout ? renderRollout(report.rollout) : []),
    ...report.problems.map((p) => `  ! ${p}`),
    '',
    `  detected after        ${ms(report.detectedAfterMs)}`,
    `  decided after         ${ms(report.decidedAfterMs)}`,
    `  traffic flipped after ${ms(report.trafficFlippedAfterMs)}`,
    `  DB writer moved after ${ms(report.dbWriterAfterMs)}`,
    `  client outage         ${ms(report.clientOutageMs)}${report.clientOutageBoundMs !== undefined ? ` (bound ${ms(report.clientOutageBoundMs)}: decision + DNS TTL + 3s)` : ''}`,
    `  controller overhead   ${ms(report.controllerOverheadMs)}`,
    `  writes committed      ${report.writesCommitted}`,
    `  writes lost           ${report.writesLost}`,
  ];
  if (report.steps.length > 0) lines.push('', '  steps:', ...report.steps.map((s) => `    ${s.name.padEnd(20)} ${ms(s.ms)}`));
  return lines.join('\n');
}
