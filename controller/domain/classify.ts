import { ROUTE53_VANTAGE, type Classification, type Evidence, type RegionName, type VantageName, type Verdict } from './types.js';

/**
 * The classification cascade (Patroni style: each branch returns its reason): partition, observer,
 * global, regional, none. Which vantage points to exclude as cut off is decided first, and never
 * more than a minority of them: when most vantage points see every region failing, the regions are
 * failing (global), not the observers.
 */

/** Evidence on one region's critical services. */
export type RegionEvidence = { region: RegionName; evidence: readonly Evidence[] };

/**
 * Vantage points cut off from everything: each sees the critical services of every region failing
 * while another vantage point sees some region healthy. `held` are vantage points an observer
 * classification already excludes (they stay excluded while they still report). The result is
 * empty when it would exclude half or more of the vantage points that have an opinion.
 */
export function findCutOffVantages(rows: readonly RegionEvidence[], critical: ReadonlySet<string>, held: readonly VantageName[] = []): VantageName[] {
  const regions = rows.map((r) => r.region);
  if (regions.length < 2) return [];
  const seesFailed = new Map<VantageName, Set<RegionName>>();
  const seesHealthy = new Set<VantageName>();
  const reporting = new Set<VantageName>();
  for (const { region, evidence } of rows) {
    for (const e of evidence) {
      if (!critical.has(e.service) || e.health === 'unknown') continue;
      reporting.add(e.vantage);
      if (e.health === 'failed') {
        const set = seesFailed.get(e.vantage) ?? new Set<RegionName>();
        set.add(region);
        seesFailed.set(e.vantage, set);
      } else if (e.health === 'healthy') seesHealthy.add(e.vantage);
    }
  }
  const cutOff = new Set<VantageName>();
  for (const [vantage, failedRegions] of seesFailed) {
    if (failedRegions.size === regions.length && [...seesHealthy].some((v) => v !== vantage)) cutOff.add(vantage);
  }
  for (const vantage of held) if (reporting.has(vantage)) cutOff.add(vantage);
  // The observer rule may set aside a minority, never the majority of opinions.
  if (cutOff.size * 2 >= reporting.size) return [];
  return [...cutOff].sort();
}

export interface Partition {
  region: RegionName;
  seenFailedBy: VantageName[];
}

/**
 * A region cut off from the other regions, not from its clients: every other region's replica sees
 * it failing without any answer (a cut network; HTTP errors are answers), Route 53's checkers (the
 * internet) do not, its writer still answers, and its own replica either sees it healthy or sees
 * every other region failing (the same cut, from the inside; a noisy sample of its own region must
 * not hide that), or says nothing while replication out of the region has stalled. Failing over would move clients away from a region they still
 * reach; replication is what is at risk.
 */
export function findPartition(regions: readonly RegionName[], verdicts: Record<RegionName, Verdict>, critical: ReadonlySet<string>): Partition | undefined {
  for (const region of regions) {
    const verdict = verdicts[region]!;
    if (verdict.health !== 'failed' && verdict.health !== 'degraded') continue;
    const rows = verdict.evidence.filter((e) => critical.has(e.service));
    // A cut network gives no answer at all; an HTTP error is an answer from the region itself.
    const failing = [...new Set(rows.filter((e) => e.health === 'failed' && e.vantage !== region && e.kind === 'unreachable').map((e) => e.vantage))];
    const ownHealthy = rows.some((e) => e.vantage === region && e.health === 'healthy') && !rows.some((e) => e.vantage === region && e.health === 'failed');
    const others = regions.filter((r) => r !== region);
    const seesCutFromInside = others.length > 0 && others.every((r) => verdicts[r]!.evidence.some((e) => e.vantage === region && critical.has(e.service) && e.health === 'failed'));
    const internetFails = rows.some((e) => e.vantage === ROUTE53_VANTAGE && e.health === 'failed');
    const signal = (name: string) => verdict.signals?.find((s) => s.signal === name)?.health;
    // A region whose writer stops answering is down, not cut off; one whose replication stalls while
    // its writer answers is alive on the far side of a cut, even when its own replica cannot say so.
    const ownSilent = !rows.some((e) => e.vantage === region && e.health !== 'unknown');
    const aliveBehindCut = ownSilent && signal('replication') === 'failing';
    // Every other region's replica with an opinion sees it failing, and nobody else does.
    const otherReplicas = new Set(rows.filter((e) => e.vantage !== region && regions.includes(e.vantage) && e.health !== 'unknown').map((e) => e.vantage));
    const allOthers = failing.length > 0 && failing.length === otherReplicas.size;
    if (allOthers && (ownHealthy || seesCutFromInside || aliveBehindCut) && !internetFails && signal('writer') !== 'failing') return { region, seenFailedBy: failing.sort() };
  }
  return undefined;
}

/** The raw cascade for one instant (stability.ts keeps it from flapping within a failure). */
export function classify(regions: readonly RegionName[], verdicts: Record<RegionName, Verdict>, cutOff: readonly VantageName[], partition: Partition | undefined): { classification: Classification; reason: string; region?: RegionName } {
  const failed = regions.filter((r) => verdicts[r]!.health === 'failed');
  const healthy = regions.filter((r) => verdicts[r]!.health === 'healthy');
  const degraded = regions.filter((r) => verdicts[r]!.health === 'degraded');
  const cutNote = cutOff.length > 0 ? `; ignoring ${cutOff.join(', ')} (sees every region failing while others do not: the observer is cut off)` : '';
  if (partition && failed.every((r) => r === partition.region)) {
    const { region, seenFailedBy } = partition;
    return {
      classification: 'partition',
      region,
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
  // No healthy region left and the others failing or degraded too: they fail alike.
  if (failed.length === regions.length || (healthy.length === 0 && failed.length + degraded.length >= 2)) {
    const alike = degraded.length > 0 ? `${failed.join(', ')} failing and ${degraded.join(', ')} degraded` : `${failed.join(', ')} failing alike`;
    return {
      classification: 'global',
      reason: `global: ${alike}${healthy.length === 0 ? ' and no region is healthy' : ''}; failover cannot help${cutNote}`,
    };
  }
  return {
    classification: 'regional',
    region: failed[0]!,
    reason: `regional: ${failed.map((r) => `${r} failed from ${verdicts[r]!.failedVantages}/${verdicts[r]!.reportingVantages} vantage points`).join(', ')}; healthy: ${healthy.join(', ') || 'none'}${cutNote}`,
  };
}
