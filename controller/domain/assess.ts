import type { Config } from '../config/schema.js';
import { classify, findCutOffVantages, findPartition } from './classify.js';
import { isRegionSignal, regionSignals } from './region-signals.js';
import { failureOver, stabilize } from './stability.js';
import { wilsonLower } from './stats.js';
import type { Millis } from '../../kernel/time.js';
import { formatDuration } from '../../kernel/time.js';
import { DATABASE_VANTAGE, ROUTE53_VANTAGE, type Assessment, type ClassificationHold, type Evidence, type FailureKind, type Health, type RegionName, type RegionSignal, type Verdict, type VantageName, type WindowCounts, type WindowSummary } from './types.js';

/** The parts of the config the health model reads. */
export type HealthSettings = Pick<Config, 'regions' | 'services' | 'detection'>;

/**
 * One vantage point's judgement of one series, from its window summary. Small samples are judged
 * with their uncertainty (stats.ts): failed only when the lower confidence bound of the failure
 * share reaches `failureRatio`, over the newest run of results, the short window (an outage) or a
 * longer one (a gray failure, whose rate needs more samples to be known). A share that reaches the threshold without
 * that confidence is `degraded`, never `failed`. A vantage point that could not judge most of its
 * samples (it was starved) has no opinion.
 */
export function vantageHealth(summary: WindowSummary, detection: Config['detection'], now: Millis): Health {
  if (now - summary.lastAt > detection.staleAfter) return 'unknown';
  const known = summary.ok + summary.failed + summary.slow;
  // A Route 53 status is already an aggregate over its checkers: one reading is an opinion.
  if (summary.signal === 'route53') {
    if (known < 1) return 'unknown';
    if (summary.failed / known >= detection.failureRatio) return 'failed';
    return (summary.failed + summary.slow) / known >= detection.degradedRatio ? 'degraded' : 'healthy';
  }
  if (known < detection.minSamples || (summary.unknown ?? 0) > known) return 'unknown';
  const z = detection.confidence;
  const failedIn = (c: WindowCounts) => wilsonLower(c.failed, c.ok + c.failed + c.slow, z) >= detection.failureRatio;
  // The newest results alone (a run of failures), the short window, then the longer ones.
  const streak = summary.failStreak ?? 0;
  if (streak >= detection.minSamples && wilsonLower(streak, streak, z) >= detection.failureRatio) return 'failed';
  if (failedIn(summary) || (summary.wider ?? []).some(failedIn)) return 'failed';
  if (failingWithoutConfidence(summary, detection)) return 'degraded';
  const longest = summary.wider?.[summary.wider.length - 1] ?? summary;
  if (wilsonLower(longest.failed + longest.slow, longest.ok + longest.failed + longest.slow, z) >= detection.degradedRatio) return 'degraded';
  return 'healthy';
}

/** Whether some window's share of failures reaches the failure ratio, without the confidence to call it failed. */
function failingWithoutConfidence(summary: WindowSummary, detection: Config['detection']): boolean {
  return [summary, ...(summary.wider ?? [])].some((c) => c.failed / Math.max(1, c.ok + c.failed + c.slow) >= detection.failureRatio);
}

/** Answers in a row after which a failing vantage point sees the failure as over (its windows still remember it). */
export const RECOVERED_AFTER = 3;

/** What a failing series' failures mostly were. */
function failureKind(summary: WindowSummary): FailureKind {
  if (summary.failed === 0 && summary.slow > 0) return 'slow';
  return (summary.unreachable ?? 0) * 2 >= summary.failed && summary.failed > 0 ? 'unreachable' : 'errors';
}

interface Tally {
  failed: number;
  degraded: number;
  healthy: number;
}

/**
 * Quorum over vantage points (never samples): at least `detection.quorum`, and a strict majority of
 * the vantage points that have an opinion. The majority is what keeps one cut-off vantage point
 * plus one unlucky noise spike elsewhere from failing a healthy region.
 */
export function quorumOf(reporting: number, minimum: number): number {
  return Math.max(minimum, Math.floor(reporting / 2) + 1);
}

function serviceHealth(tally: Tally, minimum: number): Health {
  const needed = quorumOf(tally.failed + tally.degraded + tally.healthy, minimum);
  if (tally.failed >= needed) return 'failed';
  if (tally.healthy >= needed) return 'healthy';
  // Neither side has a majority: split opinions degrade the region; too few opinions are unknown.
  if (tally.failed + tally.degraded > 0 && tally.failed + tally.degraded + tally.healthy >= minimum) return 'degraded';
  return 'unknown';
}

const RANK: Record<Health, number> = { healthy: 0, unknown: 1, degraded: 2, failed: 3 };

function describeEvidence(evidence: readonly Evidence[], witness: string | undefined): string {
  const details = [...new Set(evidence.filter((e) => e.health === 'failed' && e.detail).map((e) => e.detail!))].slice(0, 3);
  if (witness !== undefined) details.push(`${DATABASE_VANTAGE}: ${witness}`);
  return details.length > 0 ? ` (${details.join(', ')})` : '';
}

/**
 * The region-level witness of a critical service's failure: when the region's writer does not
 * answer, the database (its RDS API and cluster, read over AWS's own endpoints, not the app's
 * network path) is one more vantage point seeing the region fail, counted beside the app's vantage
 * points but only once one of them sees the app failed: the app fails and the region under it too.
 * A stalled replication is not counted: a region cut off from the others while it serves its
 * clients (a partition) stalls it too.
 */
function regionWitness(signals: readonly RegionSignal[]): string | undefined {
  return signals.find((s) => s.signal === 'writer' && s.health === 'failing')?.detail;
}

/**
 * Route 53's status is slow and binary: each checker turns unhealthy only after `failureThreshold`
 * failed checks in a row, and the status fails only once more than 82% of them have. An app
 * answering with errors reads healthy there for tens of seconds, for minutes when only part of its
 * requests fail. So while every vantage point that sees the app failing sees it answer with errors
 * (soft evidence), a healthy Route 53 status is no opinion on it. When they get no answer at all
 * it is one: the internet still reaching the region is what tells a cut network from an outage.
 */
function blindToErrorRate(rows: readonly Evidence[], perVantage: ReadonlyMap<VantageName, Health>): boolean {
  if (perVantage.get(ROUTE53_VANTAGE) !== 'healthy') return false;
  const failing = rows.filter((r) => r.vantage !== ROUTE53_VANTAGE && (r.health === 'failed' || r.failing));
  return failing.length > 0 && failing.every((r) => r.kind === 'errors');
}

function regionVerdict(region: RegionName, evidence: Evidence[], signals: RegionSignal[], excluded: ReadonlySet<VantageName>, settings: HealthSettings): Verdict {
  const { quorum } = settings.detection;
  const counted = evidence.filter((e) => !excluded.has(e.vantage));
  let health: Health = 'healthy';
  const lines: string[] = [];
  const failedVantages = new Set<VantageName>();
  const failingVantages = new Set<VantageName>();
  const reportingVantages = new Set<VantageName>();
  let anyCritical = false;

  for (const service of settings.services) {
    const rows = counted.filter((e) => e.service === service.name);
    // A vantage point with several signals for one service counts once, with its worst opinion.
    const perVantage = new Map<VantageName, Health>();
    for (const row of rows) {
      if (row.health === 'unknown') continue;
      const previous = perVantage.get(row.vantage);
      if (!previous || RANK[row.health] > RANK[previous]) perVantage.set(row.vantage, row.health);
    }
    if (blindToErrorRate(rows, perVantage)) perVantage.delete(ROUTE53_VANTAGE);
    const witness = service.critical ? regionWitness(signals) : undefined;
    const witnessed = witness !== undefined && [...perVantage.values()].includes('failed');
    if (witnessed) perVantage.set(DATABASE_VANTAGE, 'failed');
    const tally: Tally = { failed: 0, degraded: 0, healthy: 0 };
    for (const [vantage, h] of perVantage) {
      if (h === 'failed' || h === 'degraded' || h === 'healthy') tally[h]++;
      if (service.critical) {
        reportingVantages.add(vantage);
        if (h === 'failed') failedVantages.add(vantage);
        const still = rows.filter((r) => r.vantage === vantage && (r.health === 'failed' || r.failing));
        if ((still.length > 0 && !still.every((r) => r.recovered)) || vantage === DATABASE_VANTAGE) failingVantages.add(vantage);
      }
    }
    const reporting = perVantage.size;
    let h = serviceHealth(tally, quorum);
    if (!service.critical) {
      // A failing non-critical service degrades a region but never fails it.
      if (h === 'failed') h = 'degraded';
      if (h === 'unknown') continue;
    } else anyCritical = true;
    if (h !== 'healthy') {
      lines.push(`${service.name} ${h} from ${tally.failed}/${reporting} vantage points${describeEvidence(rows, witnessed ? witness : undefined)}`);
    }
    if (RANK[h] > RANK[health]) health = h;
  }
  if (!anyCritical) health = 'unknown';

  const summary =
    health === 'healthy'
      ? `healthy: seen healthy by ${reportingVantages.size} vantage point${reportingVantages.size === 1 ? '' : 's'}`
      : `${health}: ${lines.join('; ') || `fewer than ${quorum} vantage points report`}`;
  return { region, health, failedVantages: failedVantages.size, reportingVantages: reportingVantages.size, failingVantages: failingVantages.size, summary, evidence };
}

/**
 * Several replicas can report for one vantage point (each polls Route 53's status for `route53`):
 * their samples of one series are pooled, so a vantage point still counts once.
 */
function mergeSeries(summaries: readonly WindowSummary[]): WindowSummary[] {
  const merged = new Map<string, WindowSummary>();
  for (const s of summaries) {
    const key = `${s.region}|${s.service}|${s.vantage}|${s.signal}`;
    const seen = merged.get(key);
    if (!seen) {
      merged.set(key, { ...s, ...(s.wider && { wider: s.wider.map((c) => ({ ...c })) }) });
      continue;
    }
    seen.ok += s.ok;
    seen.failed += s.failed;
    seen.slow += s.slow;
    for (const field of ['unreachable', 'unknown'] as const) if (s[field] !== undefined) seen[field] = (seen[field] ?? 0) + s[field];
    if (s.wider) seen.wider = s.wider.map((c, i) => addCounts(c, seen.wider?.[i]));
    if (s.lastAt > seen.lastAt) {
      seen.lastAt = s.lastAt;
      if (s.lastDetail !== undefined) seen.lastDetail = s.lastDetail;
    }
  }
  return [...merged.values()];
}

function addCounts(a: WindowCounts, b: WindowCounts | undefined): WindowCounts {
  return b ? { ok: a.ok + b.ok, failed: a.failed + b.failed, slow: a.slow + b.slow } : { ...a };
}

function toEvidence(summary: WindowSummary, detection: Config['detection'], now: Millis): Evidence {
  const health = vantageHealth(summary, detection, now);
  const evidence: Evidence = { vantage: summary.vantage, service: summary.service, signal: summary.signal, health, ok: summary.ok, failed: summary.failed, slow: summary.slow };
  if (health === 'failed' || health === 'degraded') evidence.kind = failureKind(summary);
  if (health === 'degraded' && failingWithoutConfidence(summary, detection)) evidence.failing = true;
  if ((health === 'failed' || evidence.failing) && (summary.okStreak ?? 0) >= RECOVERED_AFTER) evidence.recovered = true;
  if (summary.goodStreak !== undefined) evidence.goodStreak = summary.goodStreak;
  if ((summary.unansweredStreak ?? 0) > 0) evidence.unanswered = true;
  if (summary.lastDetail !== undefined) evidence.detail = summary.lastDetail;
  return evidence;
}

/**
 * Verdicts for every region and the classification of what is happening. Pure. `hold` is the
 * classification held from earlier steps (stability.ts); the assessment says which hold to keep.
 */
export function assess(reported: readonly WindowSummary[], settings: HealthSettings, now: Millis, hold?: ClassificationHold): Assessment {
  // Database reads are judged reader by reader (region-signals.ts); probe series are pooled.
  const summaries = [...mergeSeries(reported.filter((s) => !isRegionSignal(s))), ...reported.filter(isRegionSignal)];
  const regions = settings.regions.map((r) => r.name);
  const critical = new Set(settings.services.filter((s) => s.critical).map((s) => s.name));
  const evidenceByRegion = new Map<RegionName, Evidence[]>(regions.map((r) => [r, []]));
  const signalRows = new Map<RegionName, WindowSummary[]>(regions.map((r) => [r, []]));
  for (const summary of summaries) {
    if (isRegionSignal(summary)) signalRows.get(summary.region)?.push(summary);
    else evidenceByRegion.get(summary.region)?.push(toEvidence(summary, settings.detection, now)); // a region the config no longer names is skipped
  }

  const rows = regions.map((region) => ({ region, evidence: evidenceByRegion.get(region)! }));
  const rawCutOff = findCutOffVantages(rows, critical);
  const cutOffVantages = hold?.classification === 'observer' ? findCutOffVantages(rows, critical, hold.cutOff) : rawCutOff;
  const excluded = new Set(cutOffVantages);
  const verdicts: Record<RegionName, Verdict> = {};
  for (const region of regions) {
    const signals = regionSignals(signalRows.get(region)!, settings.detection, now);
    verdicts[region] = { ...regionVerdict(region, evidenceByRegion.get(region)!, signals, excluded, settings), signals };
  }

  const raw = classify(regions, verdicts, cutOffVantages, findPartition(regions, verdicts, critical));
  const stable = stabilize(raw, cutOffVantages, hold, failureOver(regions, verdicts, rawCutOff), (region) => partitionBroken(region, regions, verdicts, critical), now);
  const assessment: Assessment = { at: now, verdicts, classification: stable.classification, cutOffVantages, reason: stable.reason };
  if (stable.hold) assessment.hold = stable.hold;
  return assessment;
}

/**
 * Whether a held partition of `region` is contradicted: the internet sees it failing, its writer
 * does not answer, or its own replica sees it failing while reaching the others.
 */
function partitionBroken(region: RegionName, regions: readonly RegionName[], verdicts: Record<RegionName, Verdict>, critical: ReadonlySet<string>): boolean {
  const seen = (of: RegionName, by: VantageName, health: Health) => verdicts[of]?.evidence.some((e) => e.vantage === by && critical.has(e.service) && e.health === health) ?? false;
  if (seen(region, ROUTE53_VANTAGE, 'failed')) return true;
  if (verdicts[region]?.signals?.some((s) => s.signal === 'writer' && s.health === 'failing')) return true;
  return seen(region, region, 'failed') && regions.some((other) => other !== region && seen(other, region, 'healthy'));
}

/** `3/4 vantage points for 2s` (or without the duration when acting at once) — used in decision reasons. */
export function describeConfirmation(verdict: Verdict, sinceMs: Millis, now: Millis): string {
  const held = now - sinceMs;
  return `${verdict.failedVantages}/${verdict.reportingVantages} vantage points${held > 0 ? ` for ${formatDuration(held)}` : ''}`;
}
