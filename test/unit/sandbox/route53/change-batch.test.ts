import { describe, expect, it } from 'vitest';
import { Route53ApiError } from '../../../../sandbox/route53/api-error.js';
import { applyChangeBatch } from '../../../../sandbox/route53/change-batch.js';
import type { Change, ChangeAction } from '../../../../sandbox/route53/change-batch.js';
import { recordSetKey } from '../../../../sandbox/route53/record-sets.js';
import type { RecordSet } from '../../../../sandbox/route53/record-sets.js';

const ZONE = 'example.com.';
const a = (name: string, values = ['192.0.2.1'], extra: Partial<RecordSet> = {}): RecordSet => ({ name, type: 'A', ttl: 60, values, ...extra });
const change = (action: ChangeAction, set: RecordSet): Change => ({ action, set });
const zoneOf = (...sets: RecordSet[]): Map<string, RecordSet> => new Map(sets.map((set) => [recordSetKey(set), set]));
const knownChecks = new Set(['hc-1']);
const apply = (current: Map<string, RecordSet>, ...changes: Change[]) => applyChangeBatch(ZONE, current, changes, (id) => knownChecks.has(id));

function rejection(current: Map<string, RecordSet>, ...changes: Change[]): Route53ApiError {
  try {
    apply(current, ...changes);
  } catch (error) {
    if (error instanceof Route53ApiError) return error;
    throw error;
  }
  throw new Error('the batch was accepted');
}

const existing = a('www.example.com.');
const weighted = (id: string, weight: number, extra: Partial<RecordSet> = {}): RecordSet => a('api.example.com.', ['192.0.2.9'], { setIdentifier: id, weight, ...extra });

describe('applyChangeBatch', () => {
  it.each<[string, Change[], string]>([
    ['CREATE of an existing set', [change('CREATE', existing)], 'but it already exists'],
    ['DELETE of a missing set', [change('DELETE', a('nope.example.com.'))], 'but it was not found'],
    ['DELETE with another TTL', [change('DELETE', { ...existing, ttl: 300 })], 'do not match the current values'],
    ['DELETE with other values', [change('DELETE', a('www.example.com.', ['192.0.2.2']))], 'do not match the current values'],
    ['DELETE with another health check', [change('DELETE', { ...existing, healthCheckId: 'hc-1' })], 'do not match the current values'],
    ['a name outside the zone', [change('CREATE', a('www.example.org.'))], 'is not permitted in zone example.com.'],
    ['an invalid IPv4 value', [change('CREATE', a('x.example.com.', ['300.1.1.1']))], 'is not an IPv4 address'],
    ['duplicate values', [change('CREATE', a('x.example.com.', ['192.0.2.1', '192.0.2.1']))], 'Duplicate Resource Record'],
    ['a CNAME next to an A', [change('CREATE', { name: 'www.example.com.', type: 'CNAME', ttl: 60, values: ['other.example.com'] })], 'conflicting RRSet of type A'],
    ['a CNAME at the apex', [change('CREATE', { name: ZONE, type: 'CNAME', ttl: 60, values: ['other.example.com'] })], 'not permitted at apex'],
    ['a CNAME with two values', [change('CREATE', { name: 'c.example.com.', type: 'CNAME', ttl: 60, values: ['a.example.com', 'b.example.com'] })], 'exactly one value'],
    ['a weight without a set identifier', [change('CREATE', a('x.example.com.', ['192.0.2.1'], { weight: 1 }))], 'needs a SetIdentifier'],
    ['a set identifier without a policy', [change('CREATE', a('x.example.com.', ['192.0.2.1'], { setIdentifier: 'one' }))], 'no Weight or Failover'],
    ['a weight over 255', [change('CREATE', weighted('one', 256))], 'between 0 and 255'],
    ['a weighted set next to a simple one', [change('CREATE', a('www.example.com.', ['192.0.2.3'], { setIdentifier: 'w', weight: 1 }))], 'simple record set exists'],
    ['two PRIMARY failover sets', [change('CREATE', weighted('p1', 0, { weight: undefined, failover: 'PRIMARY' })), change('CREATE', weighted('p2', 0, { weight: undefined, failover: 'PRIMARY' }))], 'another PRIMARY'],
    ['a TXT value without quotes', [change('CREATE', { name: 't.example.com.', type: 'TXT', ttl: 60, values: ['hello'] })], 'double quotes'],
  ])('rejects %s with InvalidChangeBatch', (_, changes, message) => {
    const error = rejection(zoneOf(existing), ...changes);
    expect(error.code).toBe('InvalidChangeBatch');
    expect(error.status).toBe(400);
    expect(error.messages.join('\n')).toContain(message);
  });

  it('rejects the whole batch when one change is bad, reporting every problem and leaving the zone untouched', () => {
    const current = zoneOf(existing);
    const error = rejection(current, change('CREATE', a('ok.example.com.')), change('CREATE', existing), change('DELETE', a('gone.example.com.')));
    expect(error.messages).toHaveLength(2);
    expect(error.message).toMatch(/^\[.*already exists.*, .*not found.*\]$/);
    expect([...current.keys()]).toEqual([recordSetKey(existing)]);
  });

  it('applies changes in order, so DELETE then CREATE replaces a set', () => {
    const replaced = a('www.example.com.', ['192.0.2.7']);
    const result = apply(zoneOf(existing), change('DELETE', existing), change('CREATE', replaced));
    expect(result.get(recordSetKey(existing))).toEqual(replaced);
  });

  it('UPSERT creates a missing set and replaces an existing one', () => {
    const result = apply(zoneOf(existing), change('UPSERT', a('www.example.com.', ['192.0.2.8'])), change('UPSERT', a('new.example.com.')));
    expect(result.get(recordSetKey(existing))?.values).toEqual(['192.0.2.8']);
    expect(result.has(recordSetKey(a('new.example.com.')))).toBe(true);
  });

  it('accepts a DELETE whose values are in another order', () => {
    const two = a('two.example.com.', ['192.0.2.1', '192.0.2.2']);
    expect(apply(zoneOf(two), change('DELETE', a('two.example.com.', ['192.0.2.2', '192.0.2.1']))).size).toBe(0);
  });

  it('keeps weighted sets with distinct identifiers side by side', () => {
    const result = apply(new Map(), change('CREATE', weighted('blue', 100)), change('CREATE', weighted('green', 0)));
    expect(result.size).toBe(2);
  });

  it('refuses to delete the apex SOA or NS', () => {
    const soa: RecordSet = { name: ZONE, type: 'SOA', ttl: 900, values: ['ns-1.awsdns-1.com. hostmaster.example.com. 1 7200 900 1209600 86400'] };
    expect(rejection(zoneOf(soa), change('DELETE', soa)).messages[0]).toContain('cannot be deleted');
  });

  it('answers an unknown health check with NoSuchHealthCheck before anything else', () => {
    const error = rejection(zoneOf(existing), change('CREATE', existing), change('CREATE', a('h.example.com.', ['192.0.2.1'], { healthCheckId: 'missing' })));
    expect(error.code).toBe('NoSuchHealthCheck');
    expect(error.status).toBe(404);
  });

  describe('limits', () => {
    const many = (count: number, prefix: string): RecordSet =>
      a(`${prefix}.example.com.`, Array.from({ length: count }, (_, i) => `10.${Math.floor(i / 250)}.${i % 250}.1`));

    it('allows 1,000 records in one request', () => {
      expect(apply(new Map(), change('CREATE', many(500, 'a')), change('CREATE', many(500, 'b'))).size).toBe(2);
    });

    it.each<[string, Change[], string]>([
      ['1,001 records', [change('CREATE', many(501, 'a')), change('CREATE', many(500, 'b'))], 'Number of records limit of 1000 exceeded'],
      ['501 records UPSERTed (counted twice)', [change('UPSERT', many(501, 'a'))], 'Number of records limit of 1000 exceeded'],
      [
        'more than 32,000 value characters',
        [change('CREATE', { name: 't.example.com.', type: 'TXT', ttl: 60, values: Array.from({ length: 130 }, (_, i) => `"${String(i).padStart(250, 'x')}"`) })],
        'Number of characters limit of 32000 exceeded',
      ],
    ])('rejects %s', (_, changes, message) => {
      expect(rejection(new Map(), ...changes).messages).toContain(message.endsWith('.') ? message : `${message}.`);
    });
  });
});
