import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChangeResourceRecordSetsCommand,
  CreateHostedZoneCommand,
  GetChangeCommand,
  InvalidChangeBatch,
  InvalidInput,
  ListResourceRecordSetsCommand,
  NoSuchChange,
  NoSuchHealthCheck,
  NoSuchHostedZone,
} from '@aws-sdk/client-route-53';
import type { Change, ResourceRecordSet } from '@aws-sdk/client-route-53';
import { eventually, startRoute53 } from './harness.js';
import type { Harness } from './harness.js';

let h: Harness;
let zoneId: string;
beforeAll(async () => {
  h = await startRoute53();
  const created = await h.client.send(new CreateHostedZoneCommand({ Name: 'example.com', CallerReference: 'records' }));
  zoneId = created.HostedZone?.Id ?? '';
});
afterAll(async () => {
  await h.close();
});

const a = (name: string, value = '192.0.2.1', extra: Partial<ResourceRecordSet> = {}): ResourceRecordSet => ({ Name: name, Type: 'A', TTL: 60, ResourceRecords: [{ Value: value }], ...extra });
const change = (zone: string, ...changes: Change[]) => h.client.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zone, ChangeBatch: { Changes: changes } }));
const list = async (zone = zoneId) => (await h.client.send(new ListResourceRecordSetsCommand({ HostedZoneId: zone }))).ResourceRecordSets ?? [];

async function batchError(...changes: Change[]): Promise<InvalidChangeBatch> {
  const error: unknown = await change(zoneId, ...changes).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidChangeBatch);
  return error as InvalidChangeBatch;
}

describe('ChangeResourceRecordSets through the Route 53 SDK', () => {
  it('returns a unique change id, PENDING with a propagation delay', async () => {
    const slow = await startRoute53({ propagationDelayMs: 60_000 });
    try {
      const zone = await slow.client.send(new CreateHostedZoneCommand({ Name: 'slow.example', CallerReference: 'slow' }));
      const first = await slow.client.send(
        new ChangeResourceRecordSetsCommand({ HostedZoneId: zone.HostedZone?.Id, ChangeBatch: { Changes: [{ Action: 'CREATE', ResourceRecordSet: a('one.slow.example') }] } }),
      );
      const second = await slow.client.send(
        new ChangeResourceRecordSetsCommand({ HostedZoneId: zone.HostedZone?.Id, ChangeBatch: { Changes: [{ Action: 'CREATE', ResourceRecordSet: a('two.slow.example') }] } }),
      );
      expect(first.ChangeInfo?.Status).toBe('PENDING');
      expect(first.ChangeInfo?.Id).toMatch(/^\/change\/C[A-Z0-9]+$/);
      expect(first.ChangeInfo?.Id).not.toBe(second.ChangeInfo?.Id);
    } finally {
      await slow.close();
    }
  });

  it('CREATE, UPSERT and DELETE change what ListResourceRecordSets shows', async () => {
    await change(zoneId, { Action: 'CREATE', ResourceRecordSet: a('crud.example.com') });
    await change(zoneId, { Action: 'UPSERT', ResourceRecordSet: a('crud.example.com', '192.0.2.2') });
    expect((await list()).find((r) => r.Name === 'crud.example.com.')?.ResourceRecords).toEqual([{ Value: '192.0.2.2' }]);
    await change(zoneId, { Action: 'DELETE', ResourceRecordSet: a('crud.example.com', '192.0.2.2') });
    expect((await list()).some((r) => r.Name === 'crud.example.com.')).toBe(false);
  });

  it.each<[string, Change[], RegExp]>([
    ['CREATE of an existing set', [{ Action: 'CREATE', ResourceRecordSet: a('exists.example.com') }], /already exists/],
    ['DELETE with another TTL', [{ Action: 'DELETE', ResourceRecordSet: a('exists.example.com', '192.0.2.1', { TTL: 61 }) }], /do not match/],
    ['DELETE with other values', [{ Action: 'DELETE', ResourceRecordSet: a('exists.example.com', '192.0.2.99') }], /do not match/],
    ['DELETE of a missing set', [{ Action: 'DELETE', ResourceRecordSet: a('missing.example.com') }], /was not found/],
    ['a name outside the zone', [{ Action: 'CREATE', ResourceRecordSet: a('www.example.org') }], /not permitted in zone example\.com\./],
    ['a CNAME beside an A', [{ Action: 'CREATE', ResourceRecordSet: { Name: 'exists.example.com', Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: 'x.example.com' }] } }], /conflicting RRSet/],
  ])('rejects %s with InvalidChangeBatch', async (_, changes, message) => {
    await change(zoneId, { Action: 'UPSERT', ResourceRecordSet: a('exists.example.com') });
    const error = await batchError(...changes);
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.message).toMatch(message);
  });

  it('applies nothing when one change of the batch is bad', async () => {
    const before = await list();
    await batchError(
      { Action: 'CREATE', ResourceRecordSet: a('atomic-1.example.com') },
      { Action: 'UPSERT', ResourceRecordSet: a('atomic-2.example.com') },
      { Action: 'DELETE', ResourceRecordSet: a('atomic-missing.example.com') },
    );
    expect(await list()).toEqual(before);
  });

  it('accepts 1,000 records and rejects 1,001 or an UPSERT of 501 (counted twice)', async () => {
    const values = (count: number, offset = 0) => Array.from({ length: count }, (_, i) => ({ Value: `10.${Math.floor((i + offset) / 250)}.${(i + offset) % 250}.1` }));
    const big = (name: string, count: number): ResourceRecordSet => ({ Name: name, Type: 'A', TTL: 60, ResourceRecords: values(count) });
    await change(zoneId, { Action: 'CREATE', ResourceRecordSet: big('big1.example.com', 500) }, { Action: 'CREATE', ResourceRecordSet: big('big2.example.com', 500) });
    expect((await batchError({ Action: 'CREATE', ResourceRecordSet: big('big3.example.com', 1001) })).message).toContain('Number of records limit of 1000 exceeded');
    expect((await batchError({ Action: 'UPSERT', ResourceRecordSet: big('big4.example.com', 501) })).message).toContain('Number of records limit of 1000 exceeded');
  });

  it('keeps weighted and failover sets by set identifier', async () => {
    await change(
      zoneId,
      { Action: 'CREATE', ResourceRecordSet: a('w.example.com', '192.0.2.1', { SetIdentifier: 'blue', Weight: 100 }) },
      { Action: 'CREATE', ResourceRecordSet: a('w.example.com', '192.0.2.2', { SetIdentifier: 'green', Weight: 0 }) },
      { Action: 'CREATE', ResourceRecordSet: a('f.example.com', '192.0.2.3', { SetIdentifier: 'p', Failover: 'PRIMARY' }) },
      { Action: 'CREATE', ResourceRecordSet: a('f.example.com', '192.0.2.4', { SetIdentifier: 's', Failover: 'SECONDARY' }) },
    );
    const sets = await list();
    expect(sets.filter((r) => r.Name === 'w.example.com.').map((r) => [r.SetIdentifier, r.Weight])).toEqual([
      ['blue', 100],
      ['green', 0],
    ]);
    expect(sets.filter((r) => r.Name === 'f.example.com.').map((r) => r.Failover)).toEqual(['PRIMARY', 'SECONDARY']);
    const error = await batchError({ Action: 'DELETE', ResourceRecordSet: a('w.example.com', '192.0.2.1', { SetIdentifier: 'blue', Weight: 50 }) });
    expect(error.message).toMatch(/do not match/);
  });

  it.each([
    ['an unknown zone', () => change('ZNOSUCHZONE', { Action: 'CREATE', ResourceRecordSet: a('x.example.com') }), NoSuchHostedZone],
    ['an unknown health check', () => change(zoneId, { Action: 'CREATE', ResourceRecordSet: a('hc.example.com', '192.0.2.1', { SetIdentifier: 'x', Weight: 1, HealthCheckId: 'no-such-check' }) }), NoSuchHealthCheck],
    ['an alias record (not emulated)', () => change(zoneId, { Action: 'CREATE', ResourceRecordSet: { Name: 'al.example.com', Type: 'A', AliasTarget: { HostedZoneId: 'Z1', DNSName: 'x.example.com', EvaluateTargetHealth: false } } }), InvalidInput],
    ['an unknown change', () => h.client.send(new GetChangeCommand({ Id: '/change/CNOSUCHCHANGE' })), NoSuchChange],
  ])('answers %s with the typed error', async (_, call, type) => {
    await expect(call()).rejects.toBeInstanceOf(type);
  });
});

describe('GetChange', () => {
  it('reports PENDING until the propagation delay has passed, then INSYNC', async () => {
    const timed = await startRoute53({ propagationDelayMs: 300 });
    try {
      const zone = await timed.client.send(new CreateHostedZoneCommand({ Name: 'timed.example', CallerReference: 'timed' }));
      const { ChangeInfo } = await timed.client.send(
        new ChangeResourceRecordSetsCommand({ HostedZoneId: zone.HostedZone?.Id, ChangeBatch: { Changes: [{ Action: 'CREATE', ResourceRecordSet: a('x.timed.example') }] } }),
      );
      expect(ChangeInfo?.Status).toBe('PENDING');
      expect((await timed.client.send(new GetChangeCommand({ Id: ChangeInfo?.Id }))).ChangeInfo?.Status).toBe('PENDING');
      await eventually(async () => (await timed.client.send(new GetChangeCommand({ Id: ChangeInfo?.Id }))).ChangeInfo?.Status === 'INSYNC');
      expect(timed.emulator.resolve('x.timed.example', 'A')).toMatchObject({ rcode: 'NOERROR', answers: [{ value: '192.0.2.1' }] });
    } finally {
      await timed.close();
    }
  });

  it('serves DNS from the INSYNC state only', async () => {
    const timed = await startRoute53({ propagationDelayMs: 60_000 });
    try {
      timed.emulator.seedHostedZone({ id: 'ZSEEDED', name: 'seeded.example', records: [{ name: 'app.seeded.example', type: 'A', ttl: 5, values: ['192.0.2.1'] }] });
      await timed.client.send(
        new ChangeResourceRecordSetsCommand({ HostedZoneId: 'ZSEEDED', ChangeBatch: { Changes: [{ Action: 'UPSERT', ResourceRecordSet: { ...a('app.seeded.example', '192.0.2.2'), TTL: 5 } }] } }),
      );
      const listed = await timed.client.send(new ListResourceRecordSetsCommand({ HostedZoneId: 'ZSEEDED', StartRecordName: 'app.seeded.example' }));
      expect(listed.ResourceRecordSets?.[0]?.ResourceRecords).toEqual([{ Value: '192.0.2.2' }]);
      expect(timed.emulator.resolve('app.seeded.example', 'A')).toMatchObject({ answers: [{ value: '192.0.2.1' }] });
    } finally {
      await timed.close();
    }
  });
});

describe('ListResourceRecordSets pagination', () => {
  let pagedZone: string;
  beforeAll(async () => {
    const created = await h.client.send(new CreateHostedZoneCommand({ Name: 'paged.example', CallerReference: 'paged' }));
    pagedZone = created.HostedZone?.Id ?? '';
    await change(
      pagedZone,
      ...['b', 'a.b', 'c', 'a'].map((label): Change => ({ Action: 'CREATE', ResourceRecordSet: a(`${label}.paged.example`) })),
      { Action: 'CREATE', ResourceRecordSet: { Name: 'a.paged.example', Type: 'TXT', TTL: 60, ResourceRecords: [{ Value: '"hello"' }] } },
      { Action: 'CREATE', ResourceRecordSet: a('w.paged.example', '192.0.2.1', { SetIdentifier: 'one', Weight: 1 }) },
      { Action: 'CREATE', ResourceRecordSet: a('w.paged.example', '192.0.2.2', { SetIdentifier: 'two', Weight: 1 }) },
    );
  });

  const key = (r: ResourceRecordSet) => `${r.Name} ${r.Type}${r.SetIdentifier ? ` ${r.SetIdentifier}` : ''}`;

  it('lists in Route 53 order: reversed labels, then type, then set identifier', async () => {
    expect((await list(pagedZone)).map(key)).toEqual([
      'paged.example. NS',
      'paged.example. SOA',
      'a.paged.example. A',
      'a.paged.example. TXT',
      'b.paged.example. A',
      'a.b.paged.example. A',
      'c.paged.example. A',
      'w.paged.example. A one',
      'w.paged.example. A two',
    ]);
  });

  it('walks every page with NextRecordName/Type/Identifier', async () => {
    const seen: string[] = [];
    let start: { StartRecordName?: string; StartRecordType?: 'A' | 'TXT' | 'NS' | 'SOA'; StartRecordIdentifier?: string } = {};
    for (let pages = 0; pages < 20; pages++) {
      const page = await h.client.send(new ListResourceRecordSetsCommand({ HostedZoneId: pagedZone, MaxItems: 2, ...start }));
      expect(page.MaxItems).toBe(2);
      seen.push(...(page.ResourceRecordSets ?? []).map(key));
      if (!page.IsTruncated) break;
      start = {
        StartRecordName: page.NextRecordName,
        StartRecordType: page.NextRecordType as 'A',
        ...(page.NextRecordIdentifier ? { StartRecordIdentifier: page.NextRecordIdentifier } : {}),
      };
    }
    expect(seen).toEqual((await list(pagedZone)).map(key));
  });

  it('splits a weighted pair across pages with NextRecordIdentifier', async () => {
    const page = await h.client.send(new ListResourceRecordSetsCommand({ HostedZoneId: pagedZone, StartRecordName: 'c.paged.example', MaxItems: 2 }));
    expect(page).toMatchObject({ IsTruncated: true, NextRecordName: 'w.paged.example.', NextRecordType: 'A', NextRecordIdentifier: 'two' });
  });

  it('refuses a start type without a start name', async () => {
    await expect(h.client.send(new ListResourceRecordSetsCommand({ HostedZoneId: pagedZone, StartRecordType: 'A' }))).rejects.toBeInstanceOf(InvalidInput);
  });
});
