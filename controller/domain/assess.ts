import type { Config } from '../config/schema.js';
import type { Millis } from './time.js';
import { formatDuration } from './time.js';
import { ROUTE53_VANTAGE, type Assessment, type Classification, type Evidence, type Health, type RegionName, type Verdict, type VantageName, type WindowSummary } from './types.js';

/** The parts of the config the health model reads. */
export type HealthSettings = Pick<Config, 'regions' | 'services' | 'detection'>;

/** One vantage point's judgement of one series, from its window summary. */
export function vantageHealth(summary: WindowSummary, detection: Config['detection'], now: Millis): Health {
  if (now - summary.lastAt > detection.staleAfter) return 'unknown';
  const total = summary.ok + summary.failed + summary.slow;
  // A Route 53 status is already an aggregate over its checkers: one reading is an opinion.
  if (total < (summary.signal === 'route53' ? 1 : detection.minSamples)) return 'unknown';
  if (summary.failed / total >= detection.failureRatio) return 'failed';
  if ((summary.failed + summary.slow) / total >= detection.degradedRatio) return 'degraded';
  return 'healthy';
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

/**
 * A vantage point is cut off (the observer, not the regions, has the problem) when it sees the
 * critical services of every region failing while another vantage point sees some region healthy.
 */
function findCutOffVantages(evidence: Evidence[], regions: readonly RegionName[], critical: ReadonlySet<string>, byRegion: Map<Evidence, RegionName>): VantageName[] {
  const vantages = new Set(evidence.map((e) => e.vantage));
  const seesFailed = new Map<VantageName, Set<RegionName>>();
  const seesHealthy = new Set<VantageName>();
  for (const e of evidence) {
    if (!critical.has(e.service)) continue;
    if (e.health === 'failed') {
      const set = seesFailed.get(e.vantage) ?? new Set<RegionName>();
      set.add(byRegion.get(e)!);
      seesFailed.set(e.vantage, set);
    } else if (e.health === 'healthy') seesHealthy.add(e.vantage);
  }
  const cutOff: VantageName[] = [];
  for (const vantage of vantages) {
    const failedRegions = seesFailed.get(vantage);
    if (!failedRegions || failedRegions.size < regions.length || regions.length < 2) continue;
    const othersSeeHealthy = [...seesHealthy].some((v) => v !== vantage);
    if (othersSeeHealthy) cutOff.push(vantage);
  }
  return cutOff.sort();
}

/**
 * A region cut off from the other regions, not from its clients: every other region's replica sees
 * it failing, Route 53's checkers (the internet) do not, and its own replica either sees it healthy
 * or sees every other region failing (the same cut, from the inside; a noisy sample of its own
 * region must not hide that). Failing over would move clients away from a region they still
 * reach; replication is what is at risk. Returns the region and the vantage points that see it failing.
 */
function findPartition(regions: readonly RegionName[], verdicts: Record<RegionName, Verdict>, critical: ReadonlySet<string>): { region: RegionName; seenFailedBy: VantageName[] } | undefined {
  for (const region of regions) {
    const verdict = verdicts[region]!;
    if (verdict.health !== 'failed' && verdict.health !== 'degraded') continue;
    const rows = verdict.evidence.filter((e) => critical.has(e.service));
    const failing = [...new Set(rows.filter((e) => e.health === 'failed' && e.vantage !== region).map((e) => e.vantage))];
    const ownHealthy = rows.some((e) => e.vantage === region && e.health === 'healthy') && !rows.some((e) => e.vantage === region && e.health === 'failed');
    const others = regions.filter((r) => r !== region);
    const seesCutFromInside = others.length > 0 && others.every((r) => verdicts[r]!.evidence.some((e) => e.vantage === region && critical.has(e.service) && e.health === 'failed'));
    const internetFails = rows.some((e) => e.vantage === ROUTE53_VANTAGE && e.health === 'failed');
    // Every other region's replica with an opinion sees it failing, and nobody else does.
    const otherReplicas = new Set(rows.filter((e) => e.vantage !== region && regions.includes(e.vantage) && e.health !== 'unknown').map((e) => e.vantage));
    const allOthers = failing.length > 0 && failing.length === otherReplicas.size && failing.every((v) => otherReplicas.has(v));
    if (allOthers && (ownHealthy || seesCutFromInside) && !internetFails) return { region, seenFailedBy: failing.sort() };
  }
  return undefined;
}

function describeEvidence(evidence: Evidence[]): string {
  const details = [...new Set(evidence.filter((e) => e.health === 'failed' && e.detail).map((e) => e.detail!))];
  return details.length > 0 ? ` (${details.slice(0, 3).join(', ')})` : '';
}

function regionVerdict(region: RegionName, evidence: Evidence[], excluded: ReadonlySet<VantageName>, settings: HealthSettings): Verdict {
  const { quorum } = settings.detection;
  const counted = evidence.filter((e) => !excluded.has(e.vantage));
  let health: Health = 'healthy';
  const lines: string[] = [];
  const failedVantages = new Set<VantageName>();
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
    const tally: Tally = { failed: 0, degraded: 0, healthy: 0 };
    for (const [vantage, h] of perVantage) {
      if (h === 'failed' || h === 'degraded' || h === 'healthy') tally[h]++;
      if (service.critical) {
        reportingVantages.add(vantage);
        if (h === 'failed') failedVantages.add(vantage);
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
      lines.push(`${service.name} ${h} from ${tally.failed}/${reporting} vantage points${describeEvidence(rows)}`);
    }
    if (RANK[h] > RANK[health]) health = h;
  }
  if (!anyCritical) health = 'unknown';

  const summary =
    health === 'healthy'
      ? `healthy: seen healthy by ${reportingVantages.size} vantage point${reportingVantages.size === 1 ? '' : 's'}`
      : `${health}: ${lines.join('; ') || `fewer than ${quorum} vantage points report`}`;
  return { region, health, failedVantages: failedVantages.size, reportingVantages: reportingVantages.size, summary, evidence };
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
      merged.set(key, { ...s });
      continue;
    }
    seen.ok += s.ok;
    seen.failed += s.failed;
    seen.slow += s.slow;
    if (s.lastAt > seen.lastAt) {
      seen.lastAt = s.lastAt;
      if (s.lastDetail !== undefined) seen.lastDetail = s.lastDetail;
    }
  }
  return [...merged.values()];
}

/** Verdicts for every region and the classification of what is happening. Pure. */
export function assess(reported: readonly WindowSummary[], settings: HealthSettings, now: Millis): Assessment {
  const summaries = mergeSeries(reported);
  const regions = settings.regions.map((r) => r.name);
  const critical = new Set(settings.services.filter((s) => s.critical).map((s) => s.name));
  const evidenceByRegion = new Map<RegionName, Evidence[]>(regions.map((r) => [r, []]));
  const regionOf = new Map<Evidence, RegionName>();
  for (const summary of summaries) {
    const list = evidenceByRegion.get(summary.region);
    if (!list) continue; // a region the config no longer names
    const evidence: Evidence = {
      vantage: summary.vantage,
      service: summary.service,
      signal: summary.signal,
      health: vantageHealth(summary, settings.detection, now),
      ok: summary.ok,
      failed: summary.failed,
      slow: summary.slow,
    };
    if (summary.lastDetail !== undefined) evidence.detail = summary.lastDetail;
    list.push(evidence);
    regionOf.set(evidence, summary.region);
  }

  const allEvidence = [...evidenceByRegion.values()].flat();
  const cutOffVantages = findCutOffVantages(allEvidence, regions, critical, regionOf);
  const excluded = new Set(cutOffVantages);
  const verdicts: Record<RegionName, Verdict> = {};
  for (const region of regions) verdicts[region] = regionVerdict(region, evidenceByRegion.get(region)!, excluded, settings);

  const { classification, reason } = classify(regions, verdicts, cutOffVantages, findPartition(regions, verdicts, critical));
  return { at: now, verdicts, classification, cutOffVantages, reason };
}

function classify(
  regions: RegionName[],
  verdicts: Record<RegionName, Verdict>,
  cutOff: VantageName[],
  partition: { region: RegionName; seenFailedBy: VantageName[] } | undefined,
): { classification: Classification; reason: string } {
  const failed = regions.filter((r) => verdicts[r]!.health === 'failed');
  const healthy = regions.filter((r) => verdicts[r]!.health === 'healthy');
  const cutNote = cutOff.length > 0 ? `; ignoring ${cutOff.join(', ')} (sees every region failing while others do not: the observer is cut off)` : '';
  if (partition && failed.every((r) => r === partition.region)) {
    const { region, seenFailedBy } = partition;
    return {
      classification: 'partition',
      reason: `partition: ${region} is seen failing only from ${seenFailedBy.join(', ')} while its own vantage point and Route 53's checkers see it healthy; clients still reach it, so failover cannot help; replication to and from ${region} is at risk`,
    };
  }
  if (failed.length === 0) {
    if (cutOff.length > 0) {
      return {
        classification: 'observer',
        reason: `observer: ${cutOff.join(', ')} sees every region failing while other vantage points see them healthy; the observer is cut off, not the regions`,
      };
    }
    return { classification: 'none', reason: 'none: no region failed' };
  }
  if (failed.length === regions.length || (failed.length >= 2 && healthy.length === 0)) {
    return {
      classification: 'global',
      reason: `global: ${failed.join(', ')} failing alike${healthy.length === 0 ? ' and no region is healthy' : ''}; failover cannot help${cutNote}`,
    };
  }
  return {
    classification: 'regional',
    reason: `regional: ${failed.map((r) => `${r} failed from ${verdicts[r]!.failedVantages}/${verdicts[r]!.reportingVantages} vantage points`).join(', ')}; healthy: ${healthy.join(', ') || 'none'}${cutNote}`,
  };
}

/** `3/4 vantage points for 2s` (or without the duration when acting at once) — used in decision reasons. */
export function describeConfirmation(verdict: Verdict, sinceMs: Millis, now: Millis): string {
  const held = now - sinceMs;
  return `${verdict.failedVantages}/${verdict.reportingVantages} vantage points${held > 0 ? ` for ${formatDuration(held)}` : ''}`;
}
