import type { Change } from '@aws-sdk/client-route-53';
import type { Config } from '../../config/schema.js';
import type { RegionName } from '../../domain/types.js';
import type { ChangeResult, DbEndpointRecords, StepBudget } from '../../ports.js';
import { requireRegion } from '../traffic/common.js';
import { sameDnsName, type Route53Zone } from './route53-zone.js';

interface Cname {
  value: string;
  ttl?: number;
}

/**
 * The DB endpoint CNAMEs in the private zone (`database.endpointRecords`): the writer name points
 * at the global writer endpoint when the config names one (it follows the writer, so a flip leaves
 * it alone), else at the writer cluster's writer endpoint; each region's reader name at that
 * region's own reader endpoint (readers stay local whoever writes), except a lost region's, which
 * follows the new writer's readers. Only these names are read or changed; the rest of the zone is
 * never touched.
 */
export class DbEndpointCnames implements DbEndpointRecords {
  constructor(
    private readonly settings: Config['database'],
    private readonly zone: Route53Zone,
  ) {}

  /** Each managed name and the value it should have with `writerRegion` writing. */
  desired(writerRegion: RegionName, lostRegions: readonly RegionName[] = []): Map<string, string> {
    const records = this.settings.endpointRecords;
    const wanted = new Map<string, string>();
    const writer = this.settings.clusters[writerRegion];
    // The global writer endpoint follows the writer by itself; only a cluster endpoint needs flipping.
    const writerValue = this.settings.globalWriterEndpoint ?? writer?.writerEndpoint;
    if (writerValue) wanted.set(records.writer, writerValue);
    for (const [region, name] of Object.entries(records.readers)) {
      const cluster = this.settings.clusters[lostRegions.includes(region) ? writerRegion : region];
      if (cluster) wanted.set(name, cluster.readerEndpoint);
    }
    return wanted;
  }

  async read(budget: StepBudget): Promise<Record<string, string | undefined>> {
    const current = await this.current(budget);
    return Object.fromEntries([...current].map(([name, cname]) => [name, cname?.value]));
  }

  async pointTo(writerRegion: RegionName, budget: StepBudget, options: { lostRegions?: RegionName[] } = {}): Promise<ChangeResult> {
    requireRegion(writerRegion, this.settings.clusters, 'database.clusters');
    for (const lost of options.lostRegions ?? []) requireRegion(lost, this.settings.clusters, 'database.clusters');
    const ttl = this.settings.endpointRecords.ttl;
    const current = await this.current(budget);
    const changes: Change[] = [];
    for (const [name, value] of this.desired(writerRegion, options.lostRegions)) {
      const now = current.get(name);
      if (now && sameDnsName(now.value, value) && now.ttl === ttl) continue;
      changes.push({ Action: 'UPSERT', ResourceRecordSet: { Name: name, Type: 'CNAME', TTL: ttl, ResourceRecords: [{ Value: value }] } });
    }
    if (changes.length === 0) {
      const settled = await this.zone.settle(budget);
      const waited = settled.length > 0 ? `; waited for ${settled.join(', ')} to be INSYNC` : '';
      return { changed: false, detail: `DB endpoint records already point at ${writerRegion}'s writer${waited}` };
    }
    const names = changes.map((change) => change.ResourceRecordSet?.Name).join(', ');
    const changeId = await this.zone.change(changes, `fcp: DB endpoints for writer ${writerRegion}`, budget);
    await this.zone.waitInsync(changeId, budget);
    return { changed: true, detail: `DB endpoint records updated for writer ${writerRegion}: ${names} (change ${changeId} INSYNC)` };
  }

  /** The managed names' current CNAMEs (a plain record, no set identifier); undefined when missing. */
  private async current(budget: StepBudget): Promise<Map<string, Cname | undefined>> {
    const records = this.settings.endpointRecords;
    const names = [records.writer, ...Object.values(records.readers)];
    const found = await Promise.all(names.map((name) => this.zone.recordSets(name, 'CNAME', budget)));
    return new Map(
      names.map((name, index) => {
        const set = found[index]?.find((candidate) => candidate.SetIdentifier === undefined);
        const value = set?.ResourceRecords?.[0]?.Value;
        return [name, value === undefined ? undefined : { value, ...(set?.TTL === undefined ? {} : { ttl: set.TTL }) }];
      }),
    );
  }
}
