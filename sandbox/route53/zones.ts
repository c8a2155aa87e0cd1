import { Route53ApiError, invalidDomainName, invalidInput, noSuchChange, noSuchHostedZone } from './api-error.js';
import { applyChangeBatch } from './change-batch.js';
import type { Change } from './change-batch.js';
import { HOSTED_ZONE_ID, newChangeId, newHostedZoneId } from './ids.js';
import { canonicalName, compareNames, nameProblem } from './names.js';
import { recordSetKey } from './record-sets.js';
import type { RecordSet } from './record-sets.js';

export interface Vpc {
  region: string;
  id: string;
}

export interface HostedZone {
  id: string;
  /** Canonical (lower case, trailing dot). */
  name: string;
  callerReference: string;
  comment?: string;
  /** A private zone is associated with VPCs; a public one has a delegation set. */
  vpcs: Vpc[];
  nameServers: string[];
}

export const isPrivateZone = (zone: HostedZone): boolean => zone.vpcs.length > 0;

export interface ChangeInfo {
  id: string;
  status: 'PENDING' | 'INSYNC';
  submittedAt: Date;
  comment?: string;
}

export interface NewHostedZone {
  name: string;
  callerReference: string;
  comment?: string;
  vpc?: Vpc;
}

/** A zone's record sets as the DNS servers see them from `at` on. */
interface ServedVersion {
  at: number;
  sets: ReadonlyMap<string, RecordSet>;
}

interface ZoneState {
  zone: HostedZone;
  /** The control plane's view: what ListResourceRecordSets shows, changed at once by every change. */
  sets: Map<string, RecordSet>;
  /** The data plane's view: each change becomes visible to DNS when it is INSYNC. Oldest first. */
  versions: ServedVersion[];
}

interface ChangeRecord {
  id: string;
  submittedAt: number;
  insyncAt: number;
  comment?: string;
}

/** A zone as the DNS server sees it now. */
export interface ServedZone {
  zone: HostedZone;
  sets: ReadonlyMap<string, RecordSet>;
}

export interface HostedZoneStoreOptions {
  /** How long a change stays PENDING before it is INSYNC and DNS serves it. */
  propagationDelayMs: number;
  now?: () => number;
}

// Route 53's defaults for the records every zone starts with.
const SOA_TTL = 900;
const NS_TTL = 172_800;

/** Four name servers in Route 53's style, derived from the zone id so they are stable. */
function nameServersFor(id: string): string[] {
  const n = [...id].reduce((sum, c) => (sum * 31 + c.charCodeAt(0)) % 2048, 7);
  return [`ns-${n}.awsdns-${n % 64}.com.`, `ns-${n + 512}.awsdns-${(n + 1) % 64}.net.`, `ns-${n + 1024}.awsdns-${(n + 2) % 64}.org.`, `ns-${n + 1536}.awsdns-${(n + 3) % 64}.co.uk.`];
}

function defaultRecordSets(zone: HostedZone): RecordSet[] {
  const primary = zone.nameServers[0] as string;
  return [
    { name: zone.name, type: 'NS', ttl: NS_TTL, values: [...zone.nameServers] },
    { name: zone.name, type: 'SOA', ttl: SOA_TTL, values: [`${primary} awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400`] },
  ];
}

/** Route 53's listing order: name (labels reversed), then type, then set identifier. */
export function compareRecordSets(a: RecordSet, b: RecordSet): number {
  return compareNames(a.name, b.name) || a.type.localeCompare(b.type) || (a.setIdentifier ?? '').localeCompare(b.setIdentifier ?? '');
}

/**
 * The hosted zones, their record sets and the changes made to them. Changes apply to the control
 * plane's view at once; DNS (the data plane) serves each change from the moment it is INSYNC, which
 * is `propagationDelayMs` after it was submitted. Real Route 53 serves a change from some of its
 * servers before INSYNC; the sandbox models the simplest honest version: answers switch at INSYNC.
 */
export class HostedZoneStore {
  private readonly zones = new Map<string, ZoneState>();
  private readonly changes = new Map<string, ChangeRecord>();
  private readonly callerReferences = new Set<string>();
  private readonly propagationDelayMs: number;
  private readonly now: () => number;

  constructor(options: HostedZoneStoreOptions) {
    this.propagationDelayMs = options.propagationDelayMs;
    this.now = options.now ?? Date.now;
  }

  /**
   * Creates a zone with its SOA and NS records. `id` is the sandbox's seeding path (a caller-chosen
   * id); `immediate` makes it served at once instead of after the propagation delay.
   */
  createZone(input: NewHostedZone, seed: { id?: string; immediate?: boolean } = {}): { zone: HostedZone; change: ChangeInfo } {
    const problem = nameProblem(input.name);
    if (problem) throw invalidDomainName(input.name, problem);
    if (this.callerReferences.has(input.callerReference)) {
      throw new Route53ApiError('HostedZoneAlreadyExists', 409, `A hosted zone has already been created with the caller reference ${input.callerReference}`);
    }
    if (seed.id !== undefined && !HOSTED_ZONE_ID.test(seed.id)) {
      throw invalidInput(`hosted zone id "${seed.id}" must be "Z" followed by up to 31 upper-case letters and digits`);
    }
    if (seed.id !== undefined && this.zones.has(seed.id)) throw invalidInput(`a hosted zone with id ${seed.id} already exists`);
    const id = seed.id ?? newHostedZoneId();
    const zone: HostedZone = {
      id,
      name: canonicalName(input.name),
      callerReference: input.callerReference,
      ...(input.comment === undefined ? {} : { comment: input.comment }),
      vpcs: input.vpc ? [input.vpc] : [],
      nameServers: nameServersFor(id),
    };
    const sets = new Map(defaultRecordSets(zone).map((set) => [recordSetKey(set), set]));
    const change = this.recordChange(seed.immediate ? 0 : this.propagationDelayMs);
    this.zones.set(id, { zone, sets, versions: [{ at: change.insyncAt, sets: new Map(sets) }] });
    this.callerReferences.add(input.callerReference);
    return { zone, change: this.changeInfo(change) };
  }

  getZone(id: string): HostedZone {
    return this.state(id).zone;
  }

  /** Zones in creation order. */
  listZones(): HostedZone[] {
    return [...this.zones.values()].map((state) => state.zone);
  }

  recordSetCount(id: string): number {
    return this.state(id).sets.size;
  }

  /** Deletes a zone that holds only its SOA and apex NS records. DNS stops answering for it at once. */
  deleteZone(id: string): ChangeInfo {
    const state = this.state(id);
    const defaults = new Set(defaultRecordSets(state.zone).map(recordSetKey));
    if ([...state.sets.keys()].some((key) => !defaults.has(key))) {
      throw new Route53ApiError('HostedZoneNotEmpty', 400, 'The specified hosted zone contains non-required resource record sets and so cannot be deleted.');
    }
    this.zones.delete(id);
    return this.changeInfo(this.recordChange(this.propagationDelayMs));
  }

  /** ChangeResourceRecordSets: validates the whole batch, then applies it (see applyChangeBatch). */
  changeRecordSets(id: string, changes: readonly Change[], comment: string | undefined, healthCheckExists: (id: string) => boolean): ChangeInfo {
    const state = this.state(id);
    const sets = applyChangeBatch(state.zone.name, state.sets, changes, healthCheckExists);
    return this.commit(state, sets, this.propagationDelayMs, comment);
  }

  /** Sandbox seeding: applies a batch that DNS serves at once, without the propagation delay. */
  seedRecordSets(id: string, changes: readonly Change[], healthCheckExists: (id: string) => boolean): void {
    const state = this.state(id);
    this.commit(state, applyChangeBatch(state.zone.name, state.sets, changes, healthCheckExists), 0, 'sandbox seed');
  }

  /** The control plane's record sets in Route 53's listing order. */
  recordSets(id: string): RecordSet[] {
    return [...this.state(id).sets.values()].sort(compareRecordSets);
  }

  getChange(id: string): ChangeInfo {
    const change = this.changes.get(id);
    if (!change) throw noSuchChange(id);
    return this.changeInfo(change);
  }

  /** Every zone as DNS serves it now: only zones whose creation is INSYNC, each at its latest INSYNC version. */
  servedZones(): ServedZone[] {
    const now = this.now();
    const served: ServedZone[] = [];
    for (const state of this.zones.values()) {
      const current = state.versions.findLastIndex((version) => version.at <= now);
      if (current < 0) continue;
      state.versions.splice(0, current); // older versions can never be served again
      served.push({ zone: state.zone, sets: (state.versions[0] as ServedVersion).sets });
    }
    return served;
  }

  private state(id: string): ZoneState {
    const state = this.zones.get(id);
    if (!state) throw noSuchHostedZone(id);
    return state;
  }

  private commit(state: ZoneState, sets: Map<string, RecordSet>, delayMs: number, comment: string | undefined): ChangeInfo {
    state.sets = sets;
    const change = this.recordChange(delayMs, comment);
    // A seed (no delay) overtakes pending changes; its snapshot already contains them.
    state.versions = state.versions.filter((version) => version.at <= change.insyncAt);
    state.versions.push({ at: change.insyncAt, sets: new Map(sets) });
    return this.changeInfo(change);
  }

  private recordChange(delayMs: number, comment?: string): ChangeRecord {
    const submittedAt = this.now();
    const change: ChangeRecord = { id: newChangeId(), submittedAt, insyncAt: submittedAt + delayMs, ...(comment === undefined ? {} : { comment }) };
    this.changes.set(change.id, change);
    return change;
  }

  private changeInfo(change: ChangeRecord): ChangeInfo {
    return {
      id: change.id,
      status: this.now() >= change.insyncAt ? 'INSYNC' : 'PENDING',
      submittedAt: new Date(change.submittedAt),
      ...(change.comment === undefined ? {} : { comment: change.comment }),
    };
  }
}
