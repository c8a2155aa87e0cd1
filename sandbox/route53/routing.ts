import { isWithinZone } from './names.js';
import { routingPolicy } from './record-sets.js';
import type { RecordSet, RecordType } from './record-sets.js';
import type { HostedZone } from './zones.js';

/**
 * Route 53's answer semantics, pure: which record set answers a query given the record sets, the
 * health checks' status and a random source (injected so tests can seed it).
 */

/** Whether a health check is healthy; undefined for an unknown (e.g. deleted) check. */
export type HealthLookup = (healthCheckId: string) => boolean | undefined;

/** A record without a health check is healthy; so is one whose check no longer exists. */
export function recordHealthy(set: RecordSet, health: HealthLookup): boolean {
  return set.healthCheckId === undefined || health(set.healthCheckId) !== false;
}

function weightedChoice(candidates: readonly RecordSet[], random: () => number): RecordSet | undefined {
  // Weight-0 records serve only when no record with weight is left; all-zero groups share equally.
  const weighted = candidates.filter((set) => (set.weight ?? 0) > 0);
  const pool = weighted.length > 0 ? weighted : candidates;
  const total = pool.reduce((sum, set) => sum + (set.weight ?? 0), 0);
  if (total === 0) return pool[Math.min(pool.length - 1, Math.floor(random() * pool.length))];
  let point = random() * total;
  for (const set of pool) {
    point -= set.weight ?? 0;
    if (point < 0) return set;
  }
  return pool[pool.length - 1];
}

/**
 * Picks the record set that answers for one name and type. Unhealthy records are skipped; when
 * every record of the group is unhealthy Route 53 fails open and treats them all as healthy.
 * Failover answers PRIMARY while it is healthy, else SECONDARY. Weighted shares by weight.
 */
export function selectRecordSet(group: readonly RecordSet[], health: HealthLookup, random: () => number): RecordSet | undefined {
  const first = group[0];
  if (first === undefined) return undefined;
  const healthy = group.filter((set) => recordHealthy(set, health));
  const candidates = healthy.length > 0 ? healthy : group;
  switch (routingPolicy(first)) {
    case 'failover':
      return candidates.find((set) => set.failover === 'PRIMARY') ?? candidates[0];
    case 'weighted':
      return weightedChoice(candidates, random);
    case 'simple':
      return candidates[0];
  }
}

export interface ZoneRecords {
  zone: HostedZone;
  sets: ReadonlyMap<string, RecordSet>;
}

export interface ResolvedRecord {
  name: string;
  type: RecordType;
  ttl: number;
  value: string;
}

/**
 * A DNS answer. `REFUSED`: the name is in no emulated zone. `NXDOMAIN`: the name does not exist in
 * its zone. `NOERROR` with no answers: the name exists without that type (NODATA). Negative answers
 * carry the zone's SOA in `authority`, with the TTL Route 53 uses for negative caching.
 */
export type Resolution =
  | { rcode: 'REFUSED' }
  | { rcode: 'NOERROR' | 'NXDOMAIN'; answers: ResolvedRecord[]; authority: ResolvedRecord[] };

/** The longest zone that holds `name`; on a tie, the first created. */
export function zoneFor(name: string, zones: readonly ZoneRecords[]): ZoneRecords | undefined {
  let best: ZoneRecords | undefined;
  for (const candidate of zones) {
    if (isWithinZone(name, candidate.zone.name) && candidate.zone.name.length > (best?.zone.name.length ?? -1)) best = candidate;
  }
  return best;
}

const MAX_CNAME_CHAIN = 8;

function negativeSoa(zone: ZoneRecords): ResolvedRecord[] {
  const soa = [...zone.sets.values()].find((set) => set.type === 'SOA' && set.name === zone.zone.name);
  if (!soa) return [];
  const value = soa.values[0] as string;
  const minimum = Number(value.split(/\s+/)[6]);
  return [{ name: soa.name, type: 'SOA', ttl: Math.min(soa.ttl, minimum), value }];
}

/**
 * The record sets that answer for `name`: its own when the name exists (it has records, or names
 * below it do), else those of the wildcard at its closest existing ancestor (RFC 4592).
 */
function setsFor(name: string, zone: ZoneRecords): { sets: RecordSet[]; exists: boolean } {
  const all = [...zone.sets.values()];
  const occupied = (candidate: string): boolean => all.some((set) => set.name === candidate || set.name.endsWith(`.${candidate}`));
  if (occupied(name)) return { sets: all.filter((set) => set.name === name), exists: true };
  let encloser = name;
  while (encloser !== zone.zone.name && !occupied(encloser)) encloser = encloser.slice(encloser.indexOf('.') + 1);
  const wildcard = all.filter((set) => set.name === `*.${encloser}`);
  return { sets: wildcard, exists: wildcard.length > 0 };
}

/**
 * Answers a query for canonical `name` and `type` (any type name; unsupported ones get NODATA) from the served zones: applies the routing
 * policies and health, synthesizes wildcard answers, and follows CNAMEs while their targets are in emulated zones (a target
 * outside every zone ends the chain, as an authoritative server would leave it to the resolver).
 */
export function resolve(name: string, type: string, zones: readonly ZoneRecords[], health: HealthLookup, random: () => number): Resolution {
  let zone = zoneFor(name, zones);
  if (!zone) return { rcode: 'REFUSED' };
  const answers: ResolvedRecord[] = [];
  const visited = new Set<string>();
  let current = name;
  for (;;) {
    visited.add(current);
    const { sets: atName, exists } = setsFor(current, zone);
    const chosen = (recordType: string): RecordSet | undefined =>
      selectRecordSet(atName.filter((set) => set.type === recordType), health, random);
    const direct = chosen(type);
    if (direct) {
      answers.push(...direct.values.map((value) => ({ name: current, type: direct.type, ttl: direct.ttl, value })));
      return { rcode: 'NOERROR', answers, authority: [] };
    }
    const alias = chosen('CNAME');
    if (!alias) {
      return { rcode: exists ? 'NOERROR' : 'NXDOMAIN', answers, authority: negativeSoa(zone) };
    }
    const target = (alias.values[0] as string).toLowerCase().replace(/\.?$/, '.');
    answers.push({ name: current, type: 'CNAME', ttl: alias.ttl, value: target });
    const next = zoneFor(target, zones);
    if (!next || visited.has(target) || visited.size >= MAX_CNAME_CHAIN) return { rcode: 'NOERROR', answers, authority: [] };
    zone = next;
    current = target;
  }
}
