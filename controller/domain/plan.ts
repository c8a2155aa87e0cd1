import type { Config } from '../config/schema.js';
import type { Millis } from '../../kernel/time.js';
import { formatDuration } from '../../kernel/time.js';
import type { Decision, Plan, PlanStep, StepKind } from './types.js';

export type PlanSettings = Pick<Config, 'regions' | 'traffic' | 'database' | 'failover'>;
type FlipDecision = Extract<Decision, { kind: 'flip' }>;

/** Per-step deadlines. Promotion gets the configured deadline; DNS steps the Route 53 sync deadline. */
function deadlines(config: PlanSettings): Record<StepKind, Millis> {
  const dnsSync = config.traffic.mechanism === 'route53' ? config.traffic.syncDeadline : 120_000;
  return {
    'check-target-ready': 30_000,
    'fence-old-writer': dnsSync,
    'promote-database': 60_000,
    'wait-for-writer': config.database.promoteDeadline,
    'flip-db-endpoints': dnsSync,
    'flip-traffic': config.traffic.mechanism === 'arc' ? 30_000 : dnsSync,
    verify: 60_000,
  };
}

/**
 * The ordered, idempotent steps that carry out a flip decision. Pure data: it can be printed for
 * review (`fcp plan`), stored in the journal, and resumed by another replica. The new topology is
 * not a step: the engine records it when it reads the plan's outcome from the journal.
 */
export function buildPlan(decision: FlipDecision, config: PlanSettings): Plan {
  const { from, to, mode } = decision;
  const db = config.database;
  const target = db.clusters[to]!;
  const source = db.clusters[from]!;
  const records = db.endpointRecords;
  const limit = deadlines(config);
  const steps: Omit<PlanStep, 'index' | 'deadlineMs'>[] = [];

  steps.push({
    kind: 'check-target-ready',
    title: `check ${to} is ready: cluster ${target.arn} has instances, traffic controls and DB records exist, the calls are permitted`,
    skipWhen: 'never (it only reads)',
    region: to,
    params: { clusterArn: target.arn },
  });
  // With the global writer endpoint the writer name follows the writer by itself, so no DNS record
  // changes: the old writer is fenced by taking client traffic away from its region first.
  const globalWriter = db.globalWriterEndpoint !== undefined;
  if (mode === 'unplanned') {
    steps.push(
      globalWriter
        ? {
            kind: 'fence-old-writer',
            title: `fence ${from}: route client traffic away from ${from} first, so no client writes reach the old writer`,
            skipWhen: `only ${to} takes traffic already`,
            region: from,
            params: { via: 'traffic', to },
          }
        : {
            kind: 'fence-old-writer',
            title: `fence ${from}: point ${records.writer} at ${target.writerEndpoint} so writes stop reaching the old writer (they fail until promotion)`,
            skipWhen: `${records.writer} already points at ${target.writerEndpoint}`,
            region: from,
            params: { via: 'writer-record', zoneId: records.hostedZoneId, name: records.writer, value: target.writerEndpoint, ttl: records.ttl },
          },
    );
  }
  steps.push({
    kind: 'promote-database',
    title:
      mode === 'planned'
        ? `switchover global cluster ${db.globalClusterIdentifier} to ${to} (no data loss: waits for ${to} to catch up)`
        : `promote ${to} in ${db.globalClusterIdentifier}: switchover if ${from} still answers and lag is within ${formatDuration(config.failover.rpoBudget)}, else failover with data loss allowed (only within the RPO budget${decision.guards.some((g) => g.overridden) ? ', forced' : ''})`,
    skipWhen: `${to} is already the writer, or the same operation is already in progress`,
    region: to,
    params: { globalClusterIdentifier: db.globalClusterIdentifier, targetClusterArn: target.arn, sourceClusterArn: source.arn, mode, rpoBudgetMs: config.failover.rpoBudget, force: decision.guards.some((g) => g.overridden) },
  });
  steps.push({
    kind: 'wait-for-writer',
    title: `wait until ${to} is the writer and the global cluster's failover state clears`,
    skipWhen: `${to} is the writer and no failover is in progress`,
    region: to,
    params: { globalClusterIdentifier: db.globalClusterIdentifier, targetClusterArn: target.arn },
  });
  const readers = globalWriter ? {} : Object.fromEntries(
    config.regions.map((r) => {
      // A lost region's readers follow the new writer's reader endpoint; the others keep their own.
      const cluster = mode === 'unplanned' && r.name === from ? target : db.clusters[r.name]!;
      return [records.readers[r.name]!, cluster.readerEndpoint];
    }),
  );
  if (!globalWriter) steps.push({
    kind: 'flip-db-endpoints',
    title: `point ${records.writer} at ${target.writerEndpoint}${mode === 'unplanned' ? ` and ${records.readers[from]} at ${target.readerEndpoint}` : ''}`,
    skipWhen: 'every DB endpoint record already has its target value',
    params: { zoneId: records.hostedZoneId, ttl: records.ttl, records: { [records.writer]: target.writerEndpoint, ...readers } },
  });
  steps.push({
    kind: 'flip-traffic',
    title:
      config.traffic.mechanism === 'arc'
        ? `ARC: routing control ${to} On, every other region Off (one UpdateRoutingControlStates call, endpoints tried in turn)`
        : `Route 53: weight of ${config.traffic.records[to]!.setIdentifier} to 100, others to 0 in ${config.traffic.hostedZoneId}, then wait for INSYNC`,
    skipWhen: `only ${to} takes traffic already`,
    region: to,
    params: { mechanism: config.traffic.mechanism, to },
  });
  steps.push({
    kind: 'verify',
    title: `verify only ${to} takes traffic for ${config.traffic.publicName} and ${to}'s cluster is the database writer`,
    skipWhen: 'never (it only reads)',
    region: to,
    params: { publicName: config.traffic.publicName, writer: records.writer, expectedWriter: target.writerEndpoint },
  });
  return {
    id: decision.planId,
    operation: decision.operation,
    mode,
    trigger: decision.trigger,
    from,
    to,
    reason: decision.reason,
    createdAt: decision.at,
    overridden: decision.guards.filter((g) => g.overridden).map((g) => g.guard),
    ...(decision.commandId !== undefined && { commandId: decision.commandId }),
    steps: steps.map((step, i) => ({ ...step, index: i + 1, deadlineMs: limit[step.kind] })),
  };
}

/** Per-step state as the executor knows it, for rendering progress next to the plan. */
export type StepMark = 'pending' | 'done' | 'skipped' | 'running' | 'failed';

const MARK: Record<StepMark, string> = { pending: '~', done: '✓', skipped: '=', running: '>', failed: '✗' };

/** The plan as text for review, like a Terraform plan. */
export function renderPlan(plan: Plan, marks: Partial<Record<number, StepMark>> = {}): string {
  const lines = [
    `Plan ${plan.id}: ${plan.operation} ${plan.from} -> ${plan.to} (${plan.mode}, ${plan.trigger})`,
    `Reason: ${plan.reason}`,
  ];
  if (plan.overridden.length > 0) lines.push(`Overridden guards (--force): ${plan.overridden.join(', ')}`);
  lines.push('');
  const width = Math.max(...plan.steps.map((s) => s.kind.length));
  for (const step of plan.steps) {
    const mark = MARK[marks[step.index] ?? 'pending'];
    lines.push(`  ${mark} ${String(step.index).padStart(2)}. ${step.kind.padEnd(width)}  ${step.title}`);
    lines.push(`  ${' '.repeat(6 + width)}  deadline ${formatDuration(step.deadlineMs)} · skip when: ${step.skipWhen}`);
  }
  lines.push('');
  const counts = Object.values(marks).reduce<Record<string, number>>((acc, m) => ({ ...acc, [m!]: (acc[m!] ?? 0) + 1 }), {});
  lines.push(`Plan: ${plan.steps.length} steps${counts.done ? `, ${counts.done} done` : ''}${counts.skipped ? `, ${counts.skipped} already done` : ''}. Legend: ~ to do, > running, ✓ done, = already done, ✗ failed.`);
  return lines.join('\n');
}
