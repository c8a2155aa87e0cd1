import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChangeResourceRecordSetsCommand,
  CreateHostedZoneCommand,
  DeleteHostedZoneCommand,
  GetHostedZoneCommand,
  HostedZoneAlreadyExists,
  HostedZoneNotEmpty,
  InvalidDomainName,
  InvalidInput,
  ListHostedZonesByNameCommand,
  ListHostedZonesCommand,
  ListResourceRecordSetsCommand,
  NoSuchHostedZone,
} from '@aws-sdk/client-route-53';
import { startRoute53 } from './harness.js';
import type { Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startRoute53();
});
afterAll(async () => {
  await h.close();
});

const create = (name: string, callerReference: string, vpc?: { VPCRegion: 'us-east-1'; VPCId: string }) =>
  h.client.send(new CreateHostedZoneCommand({ Name: name, CallerReference: callerReference, ...(vpc ? { VPC: vpc, HostedZoneConfig: { PrivateZone: true } } : {}) }));

describe('hosted zones through the Route 53 SDK', () => {
  it('creates a public zone with its SOA and NS records and a delegation set', async () => {
    const created = await create('Public.Example.com', 'public-1');
    expect(created.HostedZone).toMatchObject({ Name: 'public.example.com.', CallerReference: 'public-1', Config: { PrivateZone: false }, ResourceRecordSetCount: 2 });
    expect(created.HostedZone?.Id).toMatch(/^\/hostedzone\/Z[A-Z0-9]+$/);
    expect(created.ChangeInfo?.Id).toMatch(/^\/change\/C[A-Z0-9]+$/);
    expect(created.DelegationSet?.NameServers).toHaveLength(4);
    const records = await h.client.send(new ListResourceRecordSetsCommand({ HostedZoneId: created.HostedZone?.Id }));
    expect(records.ResourceRecordSets?.map((r) => r.Type)).toEqual(['NS', 'SOA']);
    const fetched = await h.client.send(new GetHostedZoneCommand({ Id: created.HostedZone?.Id }));
    expect(fetched.HostedZone?.Name).toBe('public.example.com.');
    expect(fetched.DelegationSet?.NameServers).toEqual(created.DelegationSet?.NameServers);
  });

  it('creates a private zone associated with a VPC', async () => {
    const created = await create('db.internal', 'private-1', { VPCRegion: 'us-east-1', VPCId: 'vpc-1234' });
    expect(created.HostedZone?.Config?.PrivateZone).toBe(true);
    expect(created.VPC).toEqual({ VPCRegion: 'us-east-1', VPCId: 'vpc-1234' });
    const fetched = await h.client.send(new GetHostedZoneCommand({ Id: created.HostedZone?.Id }));
    expect(fetched.VPCs).toEqual([{ VPCRegion: 'us-east-1', VPCId: 'vpc-1234' }]);
    expect(fetched.DelegationSet).toBeUndefined();
  });

  it.each([
    ['a reused caller reference', () => create('other.example.com', 'public-1'), HostedZoneAlreadyExists],
    ['an invalid name', () => create('bad..name', 'bad-1'), InvalidDomainName],
    ['a private zone without a VPC', () => h.client.send(new CreateHostedZoneCommand({ Name: 'p.example', CallerReference: 'p-1', HostedZoneConfig: { PrivateZone: true } })), InvalidInput],
    ['an unknown zone', () => h.client.send(new GetHostedZoneCommand({ Id: 'ZNOSUCHZONE' })), NoSuchHostedZone],
    ['deleting an unknown zone', () => h.client.send(new DeleteHostedZoneCommand({ Id: 'ZNOSUCHZONE' })), NoSuchHostedZone],
  ])('answers %s with the typed error', async (_, call, type) => {
    await expect(call()).rejects.toBeInstanceOf(type);
  });

  it('refuses to delete a zone with records of its own, then deletes it once emptied', async () => {
    const { HostedZone } = await create('deleteme.example.com', 'delete-1');
    const record = { Name: 'a.deleteme.example.com', Type: 'A' as const, TTL: 60, ResourceRecords: [{ Value: '192.0.2.1' }] };
    await h.client.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: HostedZone?.Id, ChangeBatch: { Changes: [{ Action: 'CREATE', ResourceRecordSet: record }] } }));
    await expect(h.client.send(new DeleteHostedZoneCommand({ Id: HostedZone?.Id }))).rejects.toBeInstanceOf(HostedZoneNotEmpty);
    await h.client.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: HostedZone?.Id, ChangeBatch: { Changes: [{ Action: 'DELETE', ResourceRecordSet: record }] } }));
    const deleted = await h.client.send(new DeleteHostedZoneCommand({ Id: HostedZone?.Id }));
    expect(deleted.ChangeInfo?.Status).toMatch(/PENDING|INSYNC/);
    await expect(h.client.send(new GetHostedZoneCommand({ Id: HostedZone?.Id }))).rejects.toBeInstanceOf(NoSuchHostedZone);
  });

  it('pages ListHostedZones with Marker and NextMarker', async () => {
    for (const n of [1, 2, 3]) await create(`page${n}.example.com`, `page-${n}`);
    const ids: string[] = [];
    let marker: string | undefined;
    for (let pages = 0; pages < 20; pages++) {
      const page = await h.client.send(new ListHostedZonesCommand({ MaxItems: 2, ...(marker ? { Marker: marker } : {}) }));
      expect(page.HostedZones?.length).toBeLessThanOrEqual(2);
      ids.push(...(page.HostedZones ?? []).map((z) => z.Id ?? ''));
      if (!page.IsTruncated) break;
      marker = page.NextMarker;
    }
    const all = await h.client.send(new ListHostedZonesCommand({}));
    expect(ids).toEqual(all.HostedZones?.map((z) => z.Id));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('lists by name in reversed-label order and starts at a given name', async () => {
    const all = await h.client.send(new ListHostedZonesByNameCommand({}));
    const names = all.HostedZones?.map((z) => z.Name) ?? [];
    expect(names).toEqual(['page1.example.com.', 'page2.example.com.', 'page3.example.com.', 'public.example.com.', 'db.internal.']);
    const fromPage2 = await h.client.send(new ListHostedZonesByNameCommand({ DNSName: 'page2.example.com', MaxItems: 2 }));
    expect(fromPage2.HostedZones?.map((z) => z.Name)).toEqual(['page2.example.com.', 'page3.example.com.']);
    expect(fromPage2).toMatchObject({ IsTruncated: true, NextDNSName: 'public.example.com.' });
  });
});
