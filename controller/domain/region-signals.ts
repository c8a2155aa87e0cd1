import type { Config } from '../config/schema.js';
import type { Millis } from '../../kernel/time.js';
import { formatDuration } from '../../kernel/time.js';
import { DATABASE_VANTAGE, type DatabaseStatus, type Observation, type RegionName, type RegionSignal, type RegionSignalName, type WindowSummary } from './types.js';

/**
 * Region-level signals: what tells a region that is gone from an app that blips. The app probes say
 * the app fails; these say whether the region under it fails too: its database writer does not
 * answer (the writer region's RDS API or cluster), or replication out of it has stalled. They are
 * kept as windows of `db` samples like any other signal, so a single bad read never counts.
 */

export const REGION_SIGNALS: readonly RegionSignalName[] = ['writer', 'replication'];

/** Failed reads in a row before a region-level signal counts as failing: one bad read is noise. */
export const FAILING_AFTER_READS = 2;

/** The database status as samples of the writer region's `writer` and `replication` signals. */
export function databaseObservations(database: DatabaseStatus, detection: Pick<Config['detection'], 'replicationStall'>): Observation[] {
  const region = database.writerRegion;
  const base = { region, vantage: DATABASE_VANTAGE, signal: 'db' as const, at: database.at };
  const writer: Observation = database.writerReachable
    ? { ...base, service: 'writer', outcome: 'ok', latencyMs: 0 }
    : { ...base, service: 'writer', outcome: 'fail', latencyMs: 0, detail: 'writer does not answer' };
  // While the writer moves, lag says nothing about the old writer's region.
  if (database.transitioning) return [writer];
  let known = 0;
  let stalled = true;
  let worst = 0;
  for (const region in database.lagMs) {
    const lag = database.lagMs[region];
    if (lag === undefined) continue;
    known++;
    if (lag <= detection.replicationStall) stalled = false;
    if (lag > worst) worst = lag;
  }
  if (known === 0) return [writer];
  const lags = () => Object.entries(database.lagMs).filter((entry): entry is [RegionName, number] => entry[1] !== undefined);
  const replication: Observation = stalled
    ? { ...base, service: 'replication', outcome: 'fail', latencyMs: worst, detail: `lag ${lags().map(([r, lag]) => `${formatDuration(lag)} to ${r}`).join(', ')}` }
    : { ...base, service: 'replication', outcome: 'ok', latencyMs: worst };
  return [writer, replication];
}

/** Whether a window summary is a region-level signal (not an app probe). */
export function isRegionSignal(summary: Pick<WindowSummary, 'signal'>): boolean {
  return summary.signal === 'db';
}

const FAILING: Record<RegionSignalName, string> = { writer: 'writer unreachable', replication: 'replication stalled' };
const HEALTHY: Record<RegionSignalName, string> = { writer: 'writer reachable', replication: 'replication flowing' };

/**
 * A region's region-level signals from its `db` summaries, one per reader (each lease holder reads
 * the database): failing when the newest read failed and some reader saw enough failures in a row.
 */
export function regionSignals(rows: readonly WindowSummary[], detection: Pick<Config['detection'], 'staleAfter'>, now: Millis): RegionSignal[] {
  return REGION_SIGNALS.map((signal) => {
    const live = rows.filter((r) => r.service === signal && now - r.lastAt <= detection.staleAfter);
    if (live.length === 0) return { signal, health: 'unknown', detail: `${signal} not read` };
    const newest = live.reduce((a, b) => (b.lastAt > a.lastAt ? b : a));
    if (!newest.failStreak) return { signal, health: 'healthy', detail: HEALTHY[signal] };
    const streak = Math.max(...live.map((r) => r.failStreak ?? 0));
    if (streak < FAILING_AFTER_READS) return { signal, health: 'unknown', detail: `${FAILING[signal]} in the last read only` };
    const detail = signal === 'replication' && newest.lastDetail ? ` (${newest.lastDetail})` : '';
    return { signal, health: 'failing', detail: `${FAILING[signal]} for ${streak} reads${detail}` };
  });
}
