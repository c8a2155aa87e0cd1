import type { Millis } from '../../kernel/time.js';
import { formatDuration } from '../../kernel/time.js';
import type { Classification, ClassificationHold, RegionName, VantageName, Verdict } from './types.js';

/**
 * Classification that does not flap within one failure. A global, partition or observer
 * classification, once made, is held until the failure behind it is over: a global failure whose
 * regions recover one at a time does not read `regional` on the way out, and a 429 storm that one
 * vantage point happens to see served does not read `regional` on the way in. A held
 * classification gives way only to a stronger one (global over partition over observer).
 *
 * An observer hold keeps excluding the vantage points it set aside (while they still report) and
 * does not block a regional classification: a regional failure confirmed by the other vantage
 * points is real. Global and partition holds do block it; a partition hold ends as soon as its
 * facts are contradicted (`partitionBroken`: the internet sees the region failing too, its writer
 * stops answering, or its own replica sees it failing while it still reaches the others): then it
 * is an outage. A partition hold of one region never blocks a regional failure of another.
 */

const STRENGTH: Record<ClassificationHold['classification'], number> = { observer: 1, partition: 2, global: 3 };

function holdable(classification: Classification): classification is ClassificationHold['classification'] {
  return classification === 'global' || classification === 'observer' || classification === 'partition';
}

export interface Classified {
  classification: Classification;
  reason: string;
  /** The region a partition or regional classification is about (regional: the first failed one). */
  region?: RegionName;
}

/** Whether the failure is over: no region failed or degraded, and nobody sees every region failing. */
export function failureOver(regions: readonly RegionName[], verdicts: Record<RegionName, Verdict>, rawCutOff: readonly VantageName[]): boolean {
  return rawCutOff.length === 0 && regions.every((r) => verdicts[r]!.health === 'healthy' || verdicts[r]!.health === 'unknown');
}

/**
 * The classification to act on, and the hold to keep: `raw` is this instant's cascade, `over` says
 * whether the failure behind a hold has ended.
 */
export function stabilize(
  raw: Classified,
  cutOff: readonly VantageName[],
  previous: ClassificationHold | undefined,
  over: boolean,
  partitionBroken: (region: RegionName) => boolean,
  now: Millis,
): Classified & { hold: ClassificationHold | undefined } {
  const held = previous?.classification === 'partition' && previous.region !== undefined && partitionBroken(previous.region) ? undefined : previous;
  if (holdable(raw.classification)) {
    if (!held || STRENGTH[raw.classification] > STRENGTH[held.classification] || (raw.classification === held.classification && over)) {
      const hold: ClassificationHold = { classification: raw.classification, since: now, cutOff: [...cutOff], reason: raw.reason };
      if (raw.region !== undefined) hold.region = raw.region;
      return { ...raw, hold };
    }
    if (raw.classification === held.classification) return { ...raw, hold: { ...held, cutOff: [...new Set([...held.cutOff, ...cutOff])].sort(), reason: raw.reason } };
    return { classification: held.classification, reason: heldReason(held, now), hold: held };
  }
  if (!held || over) return { ...raw, hold: undefined };
  // An observer hold never blocks a regional failure; a partition hold only blocks one of its own region.
  const otherRegion = held.classification === 'partition' && raw.region !== undefined && raw.region !== held.region;
  if (raw.classification === 'regional' && (held.classification === 'observer' || otherRegion)) return { ...raw, hold: held };
  return { classification: held.classification, reason: heldReason(held, now), hold: held };
}

function heldReason(held: ClassificationHold, now: Millis): string {
  return `${held.reason} (held for ${formatDuration(now - held.since)}: the failure is not over)`;
}
