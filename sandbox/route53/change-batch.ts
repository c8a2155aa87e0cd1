import { invalidChangeBatch, noSuchHealthCheck } from './api-error.js';
import { isWithinZone } from './names.js';
import { recordSetKey, routingPolicy, sameRecordSet, valueProblem } from './record-sets.js';
import type { RecordSet } from './record-sets.js';

export type ChangeAction = 'CREATE' | 'DELETE' | 'UPSERT';

export interface Change {
  action: ChangeAction;
  /** Names are canonical (lower case, trailing dot). */
  set: RecordSet;
}

/** Per-request limits of ChangeResourceRecordSets; an UPSERT counts twice toward them. */
export const MAX_RECORDS_PER_BATCH = 1000;
export const MAX_VALUE_CHARACTERS_PER_BATCH = 32_000;
const MAX_TTL = 2_147_483_647;

function describe(set: RecordSet): string {
  const identifier = set.setIdentifier === undefined ? '' : `, set-identifier='${set.setIdentifier}'`;
  return `resource record set [name='${set.name}', type='${set.type}'${identifier}]`;
}

function checkLimits(changes: readonly Change[]): string[] {
  let records = 0;
  let characters = 0;
  for (const { action, set } of changes) {
    const weight = action === 'UPSERT' ? 2 : 1;
    records += weight * set.values.length;
    characters += weight * set.values.reduce((sum, value) => sum + value.length, 0);
  }
  const problems: string[] = [];
  if (records > MAX_RECORDS_PER_BATCH) problems.push(`Number of records limit of ${MAX_RECORDS_PER_BATCH} exceeded.`);
  if (characters > MAX_VALUE_CHARACTERS_PER_BATCH) problems.push(`Number of characters limit of ${MAX_VALUE_CHARACTERS_PER_BATCH} exceeded.`);
  return problems;
}

/** Problems with one record set on its own, whatever the zone holds. */
function shapeProblems(set: RecordSet, zone: string): string[] {
  const problems: string[] = [];
  if (!isWithinZone(set.name, zone)) problems.push(`RRSet with DNS name ${set.name} is not permitted in zone ${zone}`);
  const policies = [set.weight, set.failover].filter((v) => v !== undefined).length;
  if (policies > 1) problems.push(`${describe(set)} sets more than one routing policy (Weight and Failover)`);
  if (policies === 1 && set.setIdentifier === undefined) problems.push(`${describe(set)} needs a SetIdentifier with a Weight or Failover`);
  if (policies === 0 && set.setIdentifier !== undefined) problems.push(`${describe(set)} has a SetIdentifier but no Weight or Failover`);
  if (set.weight !== undefined && (set.weight < 0 || set.weight > 255)) problems.push(`${describe(set)}: Weight must be between 0 and 255`);
  if (set.ttl < 0 || set.ttl > MAX_TTL) problems.push(`${describe(set)}: TTL must be between 0 and ${MAX_TTL}`);
  if (set.values.length === 0) problems.push(`${describe(set)} has no ResourceRecords`);
  if ((set.type === 'CNAME' || set.type === 'SOA') && set.values.length > 1) problems.push(`${describe(set)}: a ${set.type} record set has exactly one value`);
  if (set.type === 'CNAME' && set.name === zone) problems.push(`RRSet of type CNAME with DNS name ${set.name} is not permitted at apex in zone ${zone}`);
  if (set.type === 'SOA' && set.name !== zone) problems.push(`RRSet of type SOA with DNS name ${set.name} is not permitted; SOA belongs at the apex of zone ${zone}`);
  const seen = new Set<string>();
  for (const value of set.values) {
    const problem = valueProblem(set.type, value);
    if (problem) problems.push(`Invalid Resource Record: ${set.type} value '${value}' ${problem}`);
    if (seen.has(value)) problems.push(`Duplicate Resource Record: '${value}'`);
    seen.add(value);
  }
  return problems;
}

/** Problems a record set causes next to the others at its name (after it was written). */
function neighbourProblems(set: RecordSet, sets: ReadonlyMap<string, RecordSet>, zone: string): string[] {
  const atName = [...sets.values()].filter((other) => other.name === set.name && other !== set);
  const problems: string[] = [];
  const otherType = atName.find((other) => other.type !== set.type && (set.type === 'CNAME' || other.type === 'CNAME'));
  if (otherType) {
    problems.push(
      `RRSet of type ${set.type} with DNS name ${set.name} is not permitted because a conflicting RRSet of type ${otherType.type} with the same DNS name already exists in zone ${zone}`,
    );
  }
  const group = atName.filter((other) => other.type === set.type);
  const mixed = group.find((other) => routingPolicy(other) !== routingPolicy(set));
  if (mixed) {
    problems.push(`${describe(set)} cannot be created because a ${routingPolicy(mixed)} record set exists with the same name and type`);
  }
  if (set.failover !== undefined && group.some((other) => other.failover === set.failover)) {
    problems.push(`${describe(set)} cannot be created because another ${set.failover} failover record set exists with the same name and type`);
  }
  return problems;
}

/**
 * Applies a change batch to a zone's record sets, all or nothing, the way Route 53 does: changes
 * apply in order against the state the earlier ones left (so DELETE then CREATE of one set is a
 * valid replacement), every problem is collected, and any problem rejects the whole batch with
 * InvalidChangeBatch. Returns the new record sets; `current` is never modified.
 */
export function applyChangeBatch(
  zone: string,
  current: ReadonlyMap<string, RecordSet>,
  changes: readonly Change[],
  healthCheckExists: (id: string) => boolean,
): Map<string, RecordSet> {
  for (const { set } of changes) {
    if (set.healthCheckId !== undefined && !healthCheckExists(set.healthCheckId)) throw noSuchHealthCheck(set.healthCheckId);
  }
  const problems = checkLimits(changes);
  const sets = new Map(current);
  for (const { action, set } of changes) {
    const shape = shapeProblems(set, zone);
    if (shape.length > 0) {
      problems.push(...shape);
      continue;
    }
    const key = recordSetKey(set);
    const existing = sets.get(key);
    const apexDefault = set.name === zone && (set.type === 'SOA' || set.type === 'NS');
    if (action === 'DELETE') {
      if (!existing) problems.push(`Tried to delete ${describe(set)} but it was not found`);
      else if (!sameRecordSet(existing, set)) problems.push(`Tried to delete ${describe(set)} but the values provided do not match the current values`);
      else if (apexDefault) problems.push(`A HostedZone must contain exactly one SOA record and at least one NS record at its apex; ${describe(set)} cannot be deleted`);
      else sets.delete(key);
      continue;
    }
    if (action === 'CREATE' && existing) {
      problems.push(`Tried to create ${describe(set)} but it already exists`);
      continue;
    }
    sets.set(key, set);
    problems.push(...neighbourProblems(set, sets, zone));
  }
  if (problems.length > 0) throw invalidChangeBatch(problems);
  return sets;
}
