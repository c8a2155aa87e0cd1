import { formatDuration, type Millis } from '../../kernel/time.js';
import type { Assessment, Decision, RegionName } from '../domain/types.js';
import type { ChangeRecord } from '../store/api-records.js';

/**
 * What people are told about infrastructure changes when regions fail: the change that reached a
 * failing region shortly before it failed ("us-east-1 failing since 2m after change abc1234 to
 * us-east-1"), or, when every region fails alike, the change to roll back. The engine never sees
 * changes (they cannot make a failover right or wrong); decisions, status and notifications carry
 * the notes.
 */

/** How far back a change is still a suspect. */
export const CHANGE_LOOKBACK_MS = 30 * 60_000;

export interface ChangeNote {
  /** The failing region; absent for a global failure. */
  region?: RegionName;
  changeId: string;
  text: string;
}

const TROUBLED = new Set(['failed', 'degraded']);
const short = (commit: string) => commit.slice(0, 7);

/** How notes name a change: `change abc1234 to eu-west-1 (stack prod-eu-west-1, PR #42, rollout r-1)`. */
export function describeChange(change: Pick<ChangeRecord, 'commit' | 'regions' | 'stack' | 'pr' | 'rollout'>): string {
  const where = [`stack ${change.stack}`, change.pr !== undefined && `PR #${change.pr}`, change.rollout && `rollout ${change.rollout}`].filter(Boolean).join(', ');
  return `change ${short(change.commit)} to ${change.regions.join(', ')} (${where})`;
}

/** The newest change (to `region`, when given) that started before `at`, within the lookback. */
function suspect(changes: readonly ChangeRecord[], at: Millis, region?: RegionName): ChangeRecord | undefined {
  return changes
    .filter((c) => c.startedAt <= at && at - c.startedAt <= CHANGE_LOOKBACK_MS && (region === undefined || c.regions.includes(region)))
    .reduce<ChangeRecord | undefined>((newest, c) => (newest && newest.startedAt >= c.startedAt ? newest : c), undefined);
}

export interface ChangeNotesInput {
  assessment: Assessment;
  changes: readonly ChangeRecord[];
  /** When each troubled region began failing, as the lease holder saw it; without it, notes speak of now. */
  onsets?: Readonly<Record<RegionName, Millis>>;
  now: Millis;
}

export function changeNotes({ assessment, changes, onsets = {}, now }: ChangeNotesInput): ChangeNote[] {
  const troubled = Object.values(assessment.verdicts).filter((v) => TROUBLED.has(v.health));
  if (troubled.length === 0 || changes.length === 0) return [];
  if (assessment.classification === 'global') {
    const began = Math.min(...troubled.map((v) => onsets[v.region] ?? now));
    const culprit = suspect(changes, began);
    if (!culprit) return [];
    return [{ changeId: culprit.id, text: `global failure began ${formatDuration(began - culprit.startedAt)} after ${describeChange(culprit)} started: roll back ${short(culprit.commit)}` }];
  }
  return troubled.flatMap((verdict) => {
    const onset = onsets[verdict.region];
    const culprit = suspect(changes, onset ?? now, verdict.region);
    if (!culprit) return [];
    const state = verdict.health === 'failed' ? 'failing' : 'degraded';
    const when = onset === undefined ? `${formatDuration(now - culprit.startedAt)} after` : `since ${formatDuration(onset - culprit.startedAt)} after`;
    return [{ region: verdict.region, changeId: culprit.id, text: `${verdict.region} ${state} ${when} ${describeChange(culprit)}` }];
  });
}

/** Appends the notes to what a decision says (a plan's outcome is about the plan, not the change). */
export function annotate(decision: Decision, notes: readonly ChangeNote[]): void {
  if (notes.length === 0 || decision.kind === 'plan-finished') return;
  decision.reason += `; ${notes.map((n) => n.text).join('; ')}`;
}

/** When each region began failing or degrading, kept across passes until it is healthy again. */
export class FailureOnsets {
  private readonly since = new Map<RegionName, Millis>();

  observe(assessment: Assessment, now: Millis): Record<RegionName, Millis> {
    for (const verdict of Object.values(assessment.verdicts)) {
      if (!TROUBLED.has(verdict.health)) this.since.delete(verdict.region);
      else if (!this.since.has(verdict.region)) this.since.set(verdict.region, now);
    }
    return Object.fromEntries(this.since);
  }
}
