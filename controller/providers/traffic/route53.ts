import type { Change, ResourceRecordSet } from '@aws-sdk/client-route-53';
import type { Config } from '../../config/schema.js';
import type { RegionName } from '../../domain/types.js';
import type { Route53Zone } from '../dns/route53-zone.js';
import type { ChangeResult, StepBudget, TrafficRouter, TrafficState } from '../../ports.js';
import { isOnlyActive, requireRegion, TrafficVerificationError } from './common.js';

export type Route53TrafficSettings = Extract<Config['traffic'], { mechanism: 'route53' }>;

/**
 * The weight of the record of the region that takes traffic; all others get 0. Any non-zero value
 * sends it 100% (share = weight / sum of healthy weights). 100 reads as "100%" in the console and
 * leaves room for a later gradual shift (90/10) without changing what "active" means.
 */
export const ACTIVE_WEIGHT = 100;

/**
 * Traffic by Route 53 weighted records (control plane, served from us-east-1). Only the record
 * sets named in `traffic.records` (by set identifier) are ever changed, and of those only the
 * weight: every other field (TTL, values, alias target, health check) is read and carried over.
 */
export class Route53WeightedRouter implements TrafficRouter {
  readonly mechanism = 'route53';

  constructor(
    private readonly settings: Route53TrafficSettings,
    private readonly zone: Route53Zone,
  ) {}

  async read(budget: StepBudget): Promise<TrafficState> {
    const owned = await this.ownedRecordSets(budget);
    const weights = new Map<RegionName, number>();
    const detail: Record<RegionName, string> = {};
    for (const region of Object.keys(this.settings.records)) {
      const set = owned.get(region);
      detail[region] = set ? `weight ${set.Weight ?? 0}` : 'missing';
      if (set?.Weight) weights.set(region, set.Weight);
    }
    return { active: [...weights.keys()], detail };
  }

  async routeTo(region: RegionName, budget: StepBudget): Promise<ChangeResult> {
    requireRegion(region, this.settings.records, 'traffic.records');
    const owned = await this.ownedRecordSets(budget);
    const changes: Change[] = [];
    for (const [recordRegion, record] of Object.entries(this.settings.records)) {
      const weight = recordRegion === region ? ACTIVE_WEIGHT : 0;
      const existing = owned.get(recordRegion);
      if (existing?.Weight === weight) continue;
      const wanted: ResourceRecordSet = existing
        ? { ...existing, Weight: weight }
        : {
            Name: this.settings.publicName,
            Type: this.settings.recordType,
            SetIdentifier: record.setIdentifier,
            Weight: weight,
            TTL: this.settings.ttl,
            ResourceRecords: [{ Value: record.value }],
          };
      changes.push({ Action: 'UPSERT', ResourceRecordSet: wanted });
    }
    if (changes.length === 0) {
      const settled = await this.zone.settle(budget, this.settings.syncDeadline);
      const waited = settled.length > 0 ? `; waited for ${settled.join(', ')} to be INSYNC` : '';
      return { changed: false, detail: `${this.settings.publicName} already sends all traffic to ${region}${waited}` };
    }

    const changeId = await this.zone.change(changes, `fcp: route ${this.settings.publicName} to ${region}`, budget);
    await this.zone.waitInsync(changeId, budget, this.settings.syncDeadline);
    const after = await this.read(budget);
    if (!isOnlyActive(after, region)) throw new TrafficVerificationError(region, after);
    return { changed: true, detail: `${this.settings.publicName}: ${changes.length} weighted record(s) updated, ${region} weight ${ACTIVE_WEIGHT}, change ${changeId} INSYNC` };
  }

  /** The owned record sets by region; a region whose set does not exist yet is absent. */
  private async ownedRecordSets(budget: StepBudget): Promise<Map<RegionName, ResourceRecordSet>> {
    const sets = await this.zone.recordSets(this.settings.publicName, this.settings.recordType, budget);
    const owned = new Map<RegionName, ResourceRecordSet>();
    for (const [region, record] of Object.entries(this.settings.records)) {
      const set = sets.find((candidate) => candidate.SetIdentifier === record.setIdentifier);
      if (set) owned.set(region, set);
    }
    return owned;
  }
}
