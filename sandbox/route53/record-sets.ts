import { isIP } from 'node:net';
import { invalidInput } from './api-error.js';
import { canonicalName, nameProblem } from './names.js';

/** The record types the sandbox stores and serves. */
export const RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'TXT', 'NS', 'SOA', 'MX', 'SRV', 'PTR'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

export function isRecordType(value: string): value is RecordType {
  return (RECORD_TYPES as readonly string[]).includes(value);
}

export type FailoverRole = 'PRIMARY' | 'SECONDARY';

/** One resource record set, with its name in canonical form. */
export interface RecordSet {
  name: string;
  type: RecordType;
  ttl: number;
  values: string[];
  setIdentifier?: string;
  weight?: number;
  failover?: FailoverRole;
  healthCheckId?: string;
}

export type RoutingPolicy = 'simple' | 'weighted' | 'failover';

export function routingPolicy(set: RecordSet): RoutingPolicy {
  if (set.weight !== undefined) return 'weighted';
  if (set.failover !== undefined) return 'failover';
  return 'simple';
}

/** Record sets are identified by name, type and set identifier. */
export function recordSetKey(set: Pick<RecordSet, 'name' | 'type' | 'setIdentifier'>): string {
  return `${set.name}|${set.type}|${set.setIdentifier ?? ''}`;
}

/** Exact equality, as a DELETE requires: every attribute and the values (in any order). */
export function sameRecordSet(a: RecordSet, b: RecordSet): boolean {
  const sorted = (values: string[]): string => [...values].sort().join('\n');
  return (
    recordSetKey(a) === recordSetKey(b) &&
    a.ttl === b.ttl &&
    a.weight === b.weight &&
    a.failover === b.failover &&
    a.healthCheckId === b.healthCheckId &&
    sorted(a.values) === sorted(b.values)
  );
}

const hostname = (value: string): boolean => nameProblem(value) === undefined;
const uint16 = (value: string | undefined): boolean => value !== undefined && /^\d{1,5}$/.test(value) && Number(value) <= 65535;

/** Route 53's value syntax per type: why `value` is invalid, or undefined. */
const VALUE_RULES: Record<RecordType, (value: string) => string | undefined> = {
  A: (v) => (isIP(v) === 4 ? undefined : 'is not an IPv4 address'),
  AAAA: (v) => (isIP(v) === 6 ? undefined : 'is not an IPv6 address'),
  CNAME: (v) => (hostname(v) ? undefined : 'is not a domain name'),
  NS: (v) => (hostname(v) ? undefined : 'is not a domain name'),
  PTR: (v) => (hostname(v) ? undefined : 'is not a domain name'),
  TXT: (v) => (/^("([^"\\]|\\.)*"\s*)+$/.test(v) && v.length > 0 ? undefined : 'must be one or more strings in double quotes'),
  MX: (v) => {
    const [priority, host, ...rest] = v.split(/\s+/);
    return uint16(priority) && host !== undefined && hostname(host) && rest.length === 0 ? undefined : 'must be "<priority> <mail server>"';
  },
  SRV: (v) => {
    const [priority, weight, port, host, ...rest] = v.split(/\s+/);
    return uint16(priority) && uint16(weight) && uint16(port) && host !== undefined && hostname(host) && rest.length === 0
      ? undefined
      : 'must be "<priority> <weight> <port> <target>"';
  },
  SOA: (v) => {
    const parts = v.split(/\s+/);
    return parts.length === 7 && hostname(parts[0] as string) && parts.slice(2).every((n) => /^\d+$/.test(n))
      ? undefined
      : 'must be "<mname> <rname> <serial> <refresh> <retry> <expire> <minimum>"';
  },
};

export function valueProblem(type: RecordType, value: string): string | undefined {
  return VALUE_RULES[type](value);
}

/** Splits a TXT value (`"a" "b c"`) into its character strings. */
export function txtStrings(value: string): string[] {
  return [...value.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => (m[1] as string).replace(/\\(.)/g, '$1'));
}

/** A record set as a caller writes it: any case, with or without the trailing dot. */
export interface RecordSetInput {
  name: string;
  type: string;
  ttl: number;
  values: string[];
  setIdentifier?: string;
  weight?: number;
  failover?: string;
  healthCheckId?: string;
}

/** Checks the name, type and failover role and puts the name in canonical form; InvalidInput otherwise. */
export function normalizeRecordSet(input: RecordSetInput): RecordSet {
  const problem = nameProblem(input.name);
  if (problem) throw invalidInput(`ResourceRecordSet Name "${input.name}" is not a valid DNS name: ${problem}`);
  if (!isRecordType(input.type)) throw invalidInput(`ResourceRecordSet Type "${input.type}" is not one the sandbox serves; use one of ${RECORD_TYPES.join(', ')}`);
  if (input.failover !== undefined && input.failover !== 'PRIMARY' && input.failover !== 'SECONDARY') {
    throw invalidInput(`ResourceRecordSet Failover "${input.failover}" must be PRIMARY or SECONDARY`);
  }
  if (input.setIdentifier !== undefined && (input.setIdentifier.length < 1 || input.setIdentifier.length > 128)) {
    throw invalidInput('ResourceRecordSet SetIdentifier must be 1 to 128 characters');
  }
  return {
    name: canonicalName(input.name),
    type: input.type,
    ttl: input.ttl,
    values: [...input.values],
    ...(input.setIdentifier === undefined ? {} : { setIdentifier: input.setIdentifier }),
    ...(input.weight === undefined ? {} : { weight: input.weight }),
    ...(input.failover === undefined ? {} : { failover: input.failover }),
    ...(input.healthCheckId === undefined ? {} : { healthCheckId: input.healthCheckId }),
  };
}
