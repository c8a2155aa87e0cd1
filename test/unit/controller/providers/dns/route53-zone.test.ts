import { ChangeResourceRecordSetsCommand, GetChangeCommand, ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { UnexpectedAnswerError } from '../../../../../controller/aws/errors.js';
import { TimeoutError } from '../../../../../kernel/errors.js';
import { Route53Zone, sameDnsName } from '../../../../../controller/providers/dns/route53-zone.js';
import { offlineCaller } from '../helpers.js';

const route53 = mockClient(Route53Client);
afterEach(() => route53.reset());

describe('Route53Zone', () => {
  it('follows pagination while the next page starts at the same name and type, and stops when it leaves them', async () => {
    route53
      .on(ListResourceRecordSetsCommand, { StartRecordName: 'login.example.com', StartRecordType: 'CNAME' })
      .resolves({
        ResourceRecordSets: [{ Name: 'login.example.com.', Type: 'CNAME', SetIdentifier: 'a', Weight: 1 }],
        IsTruncated: true,
        NextRecordName: 'login.example.com.',
        NextRecordType: 'CNAME',
        NextRecordIdentifier: 'b',
        MaxItems: 1,
      })
      .on(ListResourceRecordSetsCommand, { StartRecordIdentifier: 'b' })
      .resolves({
        ResourceRecordSets: [
          { Name: 'login.example.com.', Type: 'CNAME', SetIdentifier: 'b', Weight: 0 },
          { Name: 'www.example.com.', Type: 'CNAME', TTL: 60 },
        ],
        IsTruncated: true,
        NextRecordName: 'zzz.example.com.',
        NextRecordType: 'A',
        MaxItems: 2,
      });
    const { caller } = offlineCaller();
    const sets = await new Route53Zone(caller, 'Z1').recordSets('login.example.com', 'CNAME', { deadlineAt: caller.clock.now() + 5000 });
    expect(sets.map((set) => set.SetIdentifier)).toEqual(['a', 'b']);
    expect(route53.commandCalls(ListResourceRecordSetsCommand)).toHaveLength(2);
  });

  it.each<{ name: string; pages: { SetIdentifier: string; next: { NextRecordIdentifier?: string } }[] }>([
    { name: 'a page that names itself as the next one', pages: [{ SetIdentifier: 'a', next: {} }] },
    { name: 'a later page that repeats its start identifier', pages: [{ SetIdentifier: 'a', next: { NextRecordIdentifier: 'b' } }, { SetIdentifier: 'b', next: { NextRecordIdentifier: 'b' } }] },
  ])('stops with an error on $name, instead of looping', async ({ pages }) => {
    pages.forEach((page, index) => {
      const at = index === 0 ? { StartRecordName: 'login.example.com', StartRecordType: 'CNAME' as const } : { StartRecordIdentifier: pages[index - 1]?.next.NextRecordIdentifier };
      route53.on(ListResourceRecordSetsCommand, at).resolves({
        ResourceRecordSets: [{ Name: 'login.example.com.', Type: 'CNAME', SetIdentifier: page.SetIdentifier, Weight: 1 }],
        IsTruncated: true,
        NextRecordName: 'login.example.com.',
        NextRecordType: 'CNAME',
        ...page.next,
        MaxItems: 1,
      });
    });
    const { caller } = offlineCaller();
    const listing = new Route53Zone(caller, 'Z1').recordSets('login.example.com', 'CNAME', { deadlineAt: caller.clock.now() + 5000 });
    const failure = await listing.catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UnexpectedAnswerError);
    expect((failure as Error).message).toMatch(/did not advance/);
    expect(route53.commandCalls(ListResourceRecordSetsCommand)).toHaveLength(pages.length);
  });

  it('polls GetChange until INSYNC', async () => {
    route53.on(ChangeResourceRecordSetsCommand).resolves({ ChangeInfo: { Id: '/change/C1', Status: 'PENDING', SubmittedAt: new Date() } });
    route53
      .on(GetChangeCommand)
      .resolvesOnce({ ChangeInfo: { Id: '/change/C1', Status: 'PENDING', SubmittedAt: new Date() } })
      .resolves({ ChangeInfo: { Id: '/change/C1', Status: 'INSYNC', SubmittedAt: new Date() } });
    const { caller, clock } = offlineCaller();
    const zone = new Route53Zone(caller, 'Z1', 1000);
    const budget = { deadlineAt: clock.now() + 60_000 };
    const id = await zone.change([{ Action: 'UPSERT', ResourceRecordSet: { Name: 'a.example.com', Type: 'CNAME', TTL: 5, ResourceRecords: [{ Value: 'b' }] } }], 'test', budget);
    await zone.waitInsync(id, budget, 10_000);
    expect(route53.commandCalls(GetChangeCommand)).toHaveLength(2);
    expect(clock.sleeps).toEqual([1000]);
  });

  it('gives up with a transient TimeoutError naming the change when INSYNC does not come in time', async () => {
    route53.on(GetChangeCommand).resolves({ ChangeInfo: { Id: '/change/C2', Status: 'PENDING', SubmittedAt: new Date() } });
    const { caller, clock } = offlineCaller();
    const failure = await new Route53Zone(caller, 'Z1', 1000).waitInsync('/change/C2', { deadlineAt: clock.now() + 60_000 }, 3500).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TimeoutError);
    expect(failure).toMatchObject({ transient: true, context: { changeId: '/change/C2', status: 'PENDING' } });
    expect(route53.commandCalls(GetChangeCommand)).toHaveLength(4);
  });

  it.each([
    ['login.example.com.', 'login.example.com', true],
    ['LOGIN.example.com', 'login.example.com.', true],
    ['login.example.org.', 'login.example.com', false],
    [undefined, 'login.example.com', false],
  ])('sameDnsName(%s, %s) is %s', (a, b, same) => {
    expect(sameDnsName(a, b)).toBe(same);
  });
});
