import { ChangeResourceRecordSetsCommand, GetChangeCommand, ListResourceRecordSetsCommand, Route53Client, type ResourceRecordSet } from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError, TimeoutError } from '../../../../../kernel/errors.js';
import { Route53Zone } from '../../../../../controller/providers/dns/route53-zone.js';
import { ACTIVE_WEIGHT, Route53WeightedRouter, type Route53TrafficSettings } from '../../../../../controller/providers/traffic/route53.js';
import { offlineCaller } from '../helpers.js';

const route53 = mockClient(Route53Client);
afterEach(() => route53.reset());

const settings: Route53TrafficSettings = {
  mechanism: 'route53',
  publicName: 'login.example.com',
  hostedZoneId: 'Z1',
  recordType: 'CNAME',
  ttl: 30,
  records: { 'us-east-1': { setIdentifier: 'east', value: 'e.example.com' }, 'us-west-2': { setIdentifier: 'west', value: 'w.example.com' } },
  syncDeadline: 5000,
};

/** The zone as Route 53 would hold it: ChangeResourceRecordSets UPSERTs apply to what List returns. */
function serveZone(initial: ResourceRecordSet[]) {
  const sets = new Map(initial.map((set) => [set.SetIdentifier, set]));
  route53.on(ListResourceRecordSetsCommand).callsFake(async () => ({ ResourceRecordSets: [...sets.values()], IsTruncated: false, MaxItems: 100 }));
  route53.on(ChangeResourceRecordSetsCommand).callsFake(async (input: { ChangeBatch: { Changes: Array<{ ResourceRecordSet: ResourceRecordSet }> } }) => {
    for (const change of input.ChangeBatch.Changes) sets.set(change.ResourceRecordSet.SetIdentifier, change.ResourceRecordSet);
    return { ChangeInfo: { Id: '/change/C1', Status: 'PENDING', SubmittedAt: new Date() } };
  });
}

const weighted = (id: string, weight: number): ResourceRecordSet => ({
  Name: 'login.example.com.',
  Type: 'CNAME',
  SetIdentifier: id,
  Weight: weight,
  TTL: 30,
  ResourceRecords: [{ Value: `${id}.example.com` }],
});

function router() {
  const { caller, clock } = offlineCaller();
  return { router: new Route53WeightedRouter(settings, new Route53Zone(caller, 'Z1', 1000)), budget: { deadlineAt: clock.now() + 60_000 } };
}

describe('Route53WeightedRouter', () => {
  it('after an INSYNC wait timed out, a re-run that finds the weights done still waits for that change', async () => {
    serveZone([weighted('east', ACTIVE_WEIGHT), weighted('west', 0)]);
    route53.on(GetChangeCommand).resolves({ ChangeInfo: { Id: '/change/C1', Status: 'PENDING', SubmittedAt: new Date() } });
    const { router: subject, budget } = router();
    await expect(subject.routeTo('us-west-2', budget)).rejects.toBeInstanceOf(TimeoutError);

    route53.on(GetChangeCommand).resolves({ ChangeInfo: { Id: '/change/C1', Status: 'INSYNC', SubmittedAt: new Date() } });
    const rerun = await subject.routeTo('us-west-2', budget);
    expect(rerun).toMatchObject({ changed: false });
    expect(rerun.detail).toContain('waited for /change/C1 to be INSYNC');
    expect(route53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(1);

    const third = await subject.routeTo('us-west-2', budget);
    expect(third.detail).not.toContain('waited');
  });

  it('rejects a region without an owned record before calling anything', async () => {
    const { router: subject, budget } = router();
    const failure = await subject.routeTo('ap-south-1', budget).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(InputError);
    expect((failure as Error).message).toContain('traffic.records');
    expect(route53.calls()).toHaveLength(0);
  });
});
