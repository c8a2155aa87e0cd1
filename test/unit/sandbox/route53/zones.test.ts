import { describe, expect, it } from 'vitest';
import { Route53ApiError } from '../../../../sandbox/route53/api-error.js';
import type { Change } from '../../../../sandbox/route53/change-batch.js';
import type { RecordSet } from '../../../../sandbox/route53/record-sets.js';
import { HostedZoneStore } from '../../../../sandbox/route53/zones.js';

const a = (name: string, value: string): RecordSet => ({ name, type: 'A', ttl: 5, values: [value] });
const upsert = (set: RecordSet): Change => ({ action: 'UPSERT', set });
const noChecks = () => false;

/** A store on a clock the test moves by hand. */
function storeAt(propagationDelayMs: number) {
  const clock = { now: 1_000 };
  const store = new HostedZoneStore({ propagationDelayMs, now: () => clock.now });
  const served = (zoneId: string, name: string) => store.servedZones().find((z) => z.zone.id === zoneId)?.sets.get(`${name}|A|`)?.values[0];
  return { clock, store, served };
}

describe('HostedZoneStore propagation', () => {
  it('serves a new zone only once its creation is INSYNC', () => {
    const { clock, store } = storeAt(500);
    const { zone, change } = store.createZone({ name: 'example.com', callerReference: 'r' });
    expect(change.status).toBe('PENDING');
    expect(store.servedZones()).toEqual([]);
    clock.now += 500;
    expect(store.getChange(change.id).status).toBe('INSYNC');
    expect(store.servedZones().map((z) => z.zone.id)).toEqual([zone.id]);
  });

  it('lists a change at once but serves it from INSYNC, one change after another', () => {
    const { clock, store, served } = storeAt(500);
    const { zone } = store.createZone({ name: 'example.com', callerReference: 'r' }, { immediate: true });
    const first = store.changeRecordSets(zone.id, [upsert(a('www.example.com.', '192.0.2.1'))], undefined, noChecks);
    clock.now += 200;
    const second = store.changeRecordSets(zone.id, [upsert(a('www.example.com.', '192.0.2.2'))], undefined, noChecks);
    expect(store.recordSets(zone.id).find((s) => s.name === 'www.example.com.')?.values).toEqual(['192.0.2.2']);
    expect(served(zone.id, 'www.example.com.')).toBeUndefined();
    clock.now += 300;
    expect([store.getChange(first.id).status, store.getChange(second.id).status]).toEqual(['INSYNC', 'PENDING']);
    expect(served(zone.id, 'www.example.com.')).toBe('192.0.2.1');
    clock.now += 200;
    expect(served(zone.id, 'www.example.com.')).toBe('192.0.2.2');
  });

  it('serves a seed at once, together with the changes still pending before it', () => {
    const { clock, store, served } = storeAt(500);
    const { zone } = store.createZone({ name: 'example.com', callerReference: 'r' }, { immediate: true });
    store.changeRecordSets(zone.id, [upsert(a('pending.example.com.', '192.0.2.1'))], undefined, noChecks);
    store.seedRecordSets(zone.id, [{ action: 'CREATE', set: a('seeded.example.com.', '192.0.2.9') }], noChecks);
    expect(served(zone.id, 'seeded.example.com.')).toBe('192.0.2.9');
    expect(served(zone.id, 'pending.example.com.')).toBe('192.0.2.1');
    clock.now += 1_000;
    expect(served(zone.id, 'seeded.example.com.')).toBe('192.0.2.9');
  });

  it('accepts a caller-chosen id once, and refuses a malformed one', () => {
    const { store } = storeAt(0);
    expect(store.createZone({ name: 'db.internal', callerReference: 'a' }, { id: 'ZSANDBOXPRIVATE' }).zone.id).toBe('ZSANDBOXPRIVATE');
    expect(() => store.createZone({ name: 'db2.internal', callerReference: 'b' }, { id: 'ZSANDBOXPRIVATE' })).toThrow(/already exists/);
    expect(() => store.createZone({ name: 'db3.internal', callerReference: 'c' }, { id: 'sandbox-zone' })).toThrow(Route53ApiError);
  });
});
