import { annotate, changeNotes, CHANGE_LOOKBACK_MS, type ChangeNote } from './changes/notes.js';
import type { Config } from './config/schema.js';
import { assess } from './domain/assess.js';
import { decide, initialTopology } from './domain/decide.js';
import { renderPlan, type StepMark } from './domain/plan.js';
import type { Millis } from '../kernel/time.js';
import { formatDuration } from '../kernel/time.js';
import type { Assessment, Command, Condition, DatabaseStatus, Decision, Topology } from './domain/types.js';
import type { LeaseState, PlanJournal, PublishedObservations, StateStore } from './store/state-store.js';
import type { ChangeRecord } from './store/api-records.js';

/** What the store says about the deployment right now: the input of `fcp status`, `fcp plan` and the API. */
export interface Snapshot {
  at: Millis;
  lease?: LeaseState;
  topology: Topology;
  topologyVersion: number;
  replicas: PublishedObservations[];
  assessment: Assessment;
  /** What the engine decides on these inputs now (the lease holder reaches the same decision). */
  decision: Decision;
  latestPlan?: PlanJournal;
  /** Infrastructure changes of the last half hour, oldest first. */
  changes: ChangeRecord[];
  /** The recent change each failing region (or a global failure) is suspected of, in words. */
  changeNotes: ChangeNote[];
}

export async function readSnapshot(store: StateStore, config: Config, now: Millis, database?: DatabaseStatus): Promise<Snapshot> {
  const [lease, stored, replicas, plans, changes] = await Promise.all([store.lease.read(), store.topology.read(), store.observations.readAll(), store.journal.listPlans(), store.changes.listSince(now - CHANGE_LOOKBACK_MS)]);
  const topology = stored?.topology ?? initialTopology(config);
  const assessment = assess(replicas.flatMap((r) => r.summaries), config, now);
  const readiness = replicas.flatMap((r) => r.conditions);
  const { decisions } = decide(topology, { assessment, commands: [], database, readiness }, config, now);
  const newest = plans[plans.length - 1];
  const latestPlan = newest ? await store.journal.read(newest.plan.id) : undefined;
  const notes = changeNotes({ assessment, changes, now });
  const decision = decisions[decisions.length - 1]!;
  annotate(decision, notes);
  const snapshot: Snapshot = { at: now, topology, topologyVersion: stored?.version ?? 0, replicas, assessment, decision, changes, changeNotes: notes };
  if (lease) snapshot.lease = lease;
  if (latestPlan) snapshot.latestPlan = latestPlan;
  return snapshot;
}

/** What the engine would decide on a command now, without changing anything (`--dry-run`, `fcp plan`). */
export function dryRun(snapshot: Snapshot, command: Command, config: Config, database: DatabaseStatus | undefined): Decision {
  const readiness: Condition[] = snapshot.replicas.flatMap((r) => r.conditions);
  const { decisions } = decide(snapshot.topology, { assessment: snapshot.assessment, commands: [command], database, readiness }, config, snapshot.at);
  return decisions[0]!;
}

const MARKS: Record<string, StepMark> = { done: 'done', skipped: 'skipped', started: 'running', failed: 'failed', pending: 'pending' };

export function stepMarks(journal: PlanJournal): Partial<Record<number, StepMark>> {
  return Object.fromEntries(journal.steps.map((s) => [s.index, MARKS[s.status] ?? 'pending']));
}

const HEALTH_ICON: Record<string, string> = { healthy: 'OK  ', degraded: 'WARN', failed: 'FAIL', unknown: '??  ' };

/** `fcp status` as text: topology, verdicts with evidence, lease, conditions, decision, plan. */
export function renderSnapshot(s: Snapshot): string {
  const lines: string[] = [];
  const t = s.topology;
  lines.push(`Primary: ${t.primary}   phase: ${t.phase}${t.lostPrimary ? `   lost: ${t.lostPrimary} (fail back with \`fcp failback\`)` : ''}${t.paused ? `   PAUSED by ${t.paused.actor}: ${t.paused.reason}` : ''}`);
  const holder = s.lease?.holder && s.lease.expiresAt > s.at ? `${s.lease.holder} (token ${s.lease.token}, expires in ${formatDuration(s.lease.expiresAt - s.at)})` : 'none (no replica holds the lease: nothing acts automatically)';
  lines.push(`Lease holder: ${holder}`);
  lines.push(`Classification: ${s.assessment.reason}`);
  // A replica from before changes were known answers without them.
  const notes = s.changeNotes ?? [];
  for (const note of notes.filter((n) => n.region === undefined)) lines.push(`  ${note.text}`);
  lines.push('');
  lines.push('Regions:');
  for (const [region, verdict] of Object.entries(s.assessment.verdicts)) {
    lines.push(`  ${HEALTH_ICON[verdict.health]} ${region.padEnd(15)} ${verdict.summary}`);
    for (const note of notes.filter((n) => n.region === region)) lines.push(`         ${note.text}`);
    for (const e of verdict.evidence) {
      lines.push(`         from ${e.vantage.padEnd(15)} ${e.service}/${e.signal}: ${e.health} (${e.ok} ok, ${e.failed} failed, ${e.slow} slow${e.detail ? `; ${e.detail}` : ''})`);
    }
  }
  lines.push('');
  lines.push('Replicas:');
  for (const r of s.replicas) {
    const age = s.at - r.at;
    lines.push(`  ${r.replica.padEnd(15)} last report ${formatDuration(age)} ago${age > 10_000 ? ' (STALE)' : ''}`);
    for (const c of r.conditions) lines.push(`    ${c.status === 'true' ? 'ok  ' : c.status === 'false' ? 'FAIL' : '??  '} ${c.type}${c.region ? ` [${c.region}]` : ''}: ${c.message}`);
  }
  if (s.replicas.length === 0) lines.push('  none reporting: are the controller replicas running?');
  if (s.changes?.length) {
    lines.push('');
    lines.push('Recent infrastructure changes:');
    for (const c of s.changes) {
      const state = c.outcome ? `${c.outcome} after ${formatDuration((c.finishedAt ?? s.at) - c.startedAt)}` : 'applying';
      lines.push(`  ${c.commit.slice(0, 7)} ${c.stack} -> ${c.regions.join(', ')}: started ${formatDuration(s.at - c.startedAt)} ago, ${state}${c.pr !== undefined ? ` (PR #${c.pr})` : ''}`);
    }
  }
  lines.push('');
  lines.push(`Decision: ${s.decision.reason}`);
  if (s.latestPlan) {
    lines.push('');
    lines.push(`Latest plan (${s.latestPlan.head.status}${s.latestPlan.head.error ? `: ${s.latestPlan.head.error}` : ''}):`);
    lines.push(renderPlan(s.latestPlan.head.plan, stepMarks(s.latestPlan)));
  }
  return lines.join('\n');
}
