import { describe, expect, it } from 'vitest';
import { recordSetKey } from '../../../../sandbox/route53/record-sets.js';
import type { RecordSet } from '../../../../sandbox/route53/record-sets.js';
import { resolve, selectRecordSet } from '../../../../sandbox/route53/routing.js';
import type { ZoneRecords } from '../../../../sandbox/route53/routing.js';
import type { HostedZone } from '../../../../sandbox/route53/zones.js';

/** A small seeded generator (mulberry32), so weighted answers are reproducible. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const set = (id: string, extra: Partial<RecordSet>): RecordSet => ({ name: 'api.example.com.', type: 'A', ttl: 30, values: [`192.0.2.${id.length}`], setIdentifier: id, ...extra });
const health = (unhealthy: string[]) => (healthCheckId: string) => !unhealthy.includes(healthCheckId);

describe('selectRecordSet', () => {
  const primary = set('primary', { failover: 'PRIMARY', healthCheckId: 'hc-p' });
  const secondary = set('secondary', { failover: 'SECONDARY', healthCheckId: 'hc-s' });
  const secondaryUnchecked = set('secondary', { failover: 'SECONDARY' });

  it.each([
    ['PRIMARY while healthy', [primary, secondary], [], 'primary'],
    ['SECONDARY when PRIMARY fails', [primary, secondary], ['hc-p'], 'secondary'],
    ['SECONDARY without a health check is healthy', [primary, secondaryUnchecked], ['hc-p'], 'secondary'],
    ['PRIMARY when both fail (fail open)', [primary, secondary], ['hc-p', 'hc-s'], 'primary'],
    ['PRIMARY whose check no longer exists is healthy', [set('primary', { failover: 'PRIMARY', healthCheckId: 'deleted' }), secondary], [], 'primary'],
  ])('failover: %s', (_, group, unhealthy, expected) => {
    const lookup = (id: string) => (id === 'deleted' ? undefined : health(unhealthy)(id));
    expect(selectRecordSet(group, lookup, Math.random)?.setIdentifier).toBe(expected);
  });

  const share = (group: RecordSet[], unhealthy: string[], draws = 4000): Record<string, number> => {
    const random = seeded(7);
    const counts: Record<string, number> = {};
    for (let i = 0; i < draws; i++) {
      const chosen = selectRecordSet(group, health(unhealthy), random)?.setIdentifier ?? 'none';
      counts[chosen] = (counts[chosen] ?? 0) + 1 / draws;
    }
    return counts;
  };

  it.each<[string, RecordSet[], string[], Record<string, number>]>([
    ['shares by weight', [set('a', { weight: 3 }), set('b', { weight: 1 })], [], { a: 0.75, b: 0.25 }],
    ['skips unhealthy records', [set('a', { weight: 3, healthCheckId: 'hc-a' }), set('b', { weight: 1 })], ['hc-a'], { b: 1 }],
    ['never uses weight 0 while a weighted record is healthy', [set('a', { weight: 1 }), set('zero', { weight: 0 })], [], { a: 1 }],
    ['uses weight 0 when every weighted record is unhealthy', [set('a', { weight: 1, healthCheckId: 'hc-a' }), set('zero', { weight: 0 })], ['hc-a'], { zero: 1 }],
    ['shares all-zero weights equally', [set('a', { weight: 0 }), set('b', { weight: 0 })], [], { a: 0.5, b: 0.5 }],
    ['fails open when every record is unhealthy', [set('a', { weight: 1, healthCheckId: 'hc-a' }), set('b', { weight: 1, healthCheckId: 'hc-b' })], ['hc-a', 'hc-b'], { a: 0.5, b: 0.5 }],
  ])('weighted: %s', (_, group, unhealthy, expected) => {
    const counts = share(group, unhealthy);
    expect(Object.keys(counts).sort()).toEqual(Object.keys(expected).sort());
    for (const [id, fraction] of Object.entries(expected)) expect(counts[id]).toBeCloseTo(fraction, 1);
  });

  it('answers a simple set and nothing for an empty group', () => {
    const simple: RecordSet = { name: 'x.example.com.', type: 'A', ttl: 5, values: ['192.0.2.1', '192.0.2.2'] };
    expect(selectRecordSet([simple], health([]), Math.random)).toBe(simple);
    expect(selectRecordSet([], health([]), Math.random)).toBeUndefined();
  });
});

describe('resolve', () => {
  const zone = (id: string, name: string, sets: RecordSet[]): ZoneRecords => {
    const hostedZone: HostedZone = { id, name, callerReference: id, vpcs: [], nameServers: ['ns-1.awsdns-1.com.'] };
    const soa: RecordSet = { name, type: 'SOA', ttl: 900, values: ['ns-1.awsdns-1.com. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 60'] };
    return { zone: hostedZone, sets: new Map([soa, ...sets].map((s) => [recordSetKey(s), s])) };
  };
  const zones = [
    zone('ZOUTER', 'example.com.', [
      { name: 'www.example.com.', type: 'CNAME', ttl: 300, values: ['app.example.com'] },
      { name: 'app.example.com.', type: 'A', ttl: 20, values: ['192.0.2.10'] },
      { name: 'leaf.deep.example.com.', type: 'A', ttl: 20, values: ['192.0.2.11'] },
      { name: 'out.example.com.', type: 'CNAME', ttl: 60, values: ['elsewhere.example.net.'] },
      { name: 'db.example.com.', type: 'CNAME', ttl: 5, values: ['writer.db.internal.'] },
      { name: 'loop1.example.com.', type: 'CNAME', ttl: 5, values: ['loop2.example.com.'] },
      { name: 'loop2.example.com.', type: 'CNAME', ttl: 5, values: ['loop1.example.com.'] },
      { name: '*.wild.example.com.', type: 'A', ttl: 15, values: ['192.0.2.30'] },
      { name: 'txt.wild.example.com.', type: 'TXT', ttl: 15, values: ['"x"'] },
    ]),
    zone('ZINNER', 'sub.example.com.', [{ name: 'x.sub.example.com.', type: 'A', ttl: 10, values: ['192.0.2.20'] }]),
    zone('ZDB', 'db.internal.', [{ name: 'writer.db.internal.', type: 'CNAME', ttl: 5, values: ['auth-us-east-1.cluster.rds.sandbox.'] }]),
  ];
  const query = (name: string, type: string) => resolve(name, type, zones, () => true, Math.random);

  it('answers with the TTL as configured', () => {
    expect(query('app.example.com.', 'A')).toEqual({ rcode: 'NOERROR', answers: [{ name: 'app.example.com.', type: 'A', ttl: 20, value: '192.0.2.10' }], authority: [] });
  });

  it('chases a CNAME inside the emulated zones', () => {
    const result = query('www.example.com.', 'A');
    expect(result.rcode === 'NOERROR' && result.answers.map((r) => `${r.type} ${r.value} ${r.ttl}`)).toEqual(['CNAME app.example.com. 300', 'A 192.0.2.10 20']);
  });

  it('follows a chain across zones and stops where the emulated zones end', () => {
    const result = query('db.example.com.', 'A');
    expect(result.rcode === 'NOERROR' && result.answers.map((r) => r.value)).toEqual(['writer.db.internal.', 'auth-us-east-1.cluster.rds.sandbox.']);
    const outside = query('out.example.com.', 'A');
    expect(outside.rcode === 'NOERROR' && outside.answers).toHaveLength(1);
  });

  it('stops a CNAME loop', () => {
    const result = query('loop1.example.com.', 'A');
    expect(result.rcode === 'NOERROR' && result.answers.map((r) => r.name)).toEqual(['loop1.example.com.', 'loop2.example.com.']);
  });

  it('answers the CNAME itself for a CNAME query', () => {
    const result = query('www.example.com.', 'CNAME');
    expect(result.rcode === 'NOERROR' && result.answers).toHaveLength(1);
  });

  it.each([
    ['a missing name', 'nope.example.com.', 'A', 'NXDOMAIN'],
    ['an existing name without the type (NODATA)', 'app.example.com.', 'AAAA', 'NOERROR'],
    ['an empty non-terminal (NODATA)', 'deep.example.com.', 'A', 'NOERROR'],
    ['a type the sandbox does not store (NODATA)', 'app.example.com.', 'HTTPS', 'NOERROR'],
  ])('answers %s with %s and the SOA (negative TTL = min(SOA TTL, minimum))', (_, name, type, rcode) => {
    const result = query(name, type);
    expect(result.rcode).toBe(rcode);
    if (result.rcode === 'REFUSED') throw new Error('unexpected REFUSED');
    expect(result.answers).toEqual([]);
    expect(result.authority).toEqual([expect.objectContaining({ type: 'SOA', name: 'example.com.', ttl: 60 })]);
  });

  it.each([['a.wild.example.com.'], ['b.c.wild.example.com.']])('synthesizes %s from the wildcard at its closest existing ancestor', (name) => {
    expect(query(name, 'A')).toEqual({ rcode: 'NOERROR', answers: [{ name, type: 'A', ttl: 15, value: '192.0.2.30' }], authority: [] });
  });

  it('never applies a wildcard to a name that exists', () => {
    expect(query('txt.wild.example.com.', 'A')).toMatchObject({ rcode: 'NOERROR', answers: [] });
    expect(query('wild.example.com.', 'A')).toMatchObject({ rcode: 'NOERROR', answers: [] });
    expect(query('a.other.example.com.', 'A')).toMatchObject({ rcode: 'NXDOMAIN' });
  });

  it('uses the longest matching zone', () => {
    expect(query('x.sub.example.com.', 'A')).toMatchObject({ rcode: 'NOERROR', answers: [{ value: '192.0.2.20' }] });
    expect(query('y.sub.example.com.', 'A')).toMatchObject({ rcode: 'NXDOMAIN', authority: [{ name: 'sub.example.com.' }] });
  });

  it('refuses names outside every zone', () => {
    expect(query('example.org.', 'A')).toEqual({ rcode: 'REFUSED' });
  });
});
