import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand, GetHealthCheckStatusCommand, ListHostedZonesCommand, Route53ServiceException } from '@aws-sdk/client-route-53';
import type { AwsApiFault, AwsCaller, FaultView } from '../../../../sandbox/shared/faults.js';
import { NO_FAULTS } from '../../../../sandbox/shared/faults.js';
import { InputError } from '../../../../kernel/errors.js';
import { createRoute53Emulator } from '../../../../sandbox/route53/index.js';
import { route53Client, startRoute53 } from './harness.js';
import type { Harness } from './harness.js';

/** A fault registry the test steers; it records who asked. */
const callers: AwsCaller[] = [];
let fault: AwsApiFault | null = null;
const faults: FaultView = {
  ...NO_FAULTS,
  awsApiFault: (service, caller) => {
    expect(service).toBe('route53');
    callers.push(caller);
    return fault;
  },
};

let h: Harness;
beforeAll(async () => {
  h = await startRoute53({ faults }, 'SANDBOX-us-west-2');
});
afterAll(async () => {
  await h.close();
});

async function failure(call: Promise<unknown>): Promise<Route53ServiceException> {
  const error: unknown = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Route53ServiceException);
  return error as Route53ServiceException;
}

const raw = async (method: string, path: string, body?: string) => {
  const response = await fetch(`${h.endpoint}${path}`, { method, ...(body === undefined ? {} : { body }), signal: AbortSignal.timeout(2000) });
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
};

describe('fault rendering', () => {
  it('asks the registry with the caller from the SigV4 header', async () => {
    fault = null;
    callers.length = 0;
    await h.client.send(new ListHostedZonesCommand({}));
    expect(callers).toEqual([{ accessKeyId: 'SANDBOX-us-west-2', region: 'us-east-1' }]);
  });

  it.each<[AwsApiFault['kind'], string, number]>([
    ['throttle', 'Throttling', 400],
    ['server-error', 'ServiceUnavailable', 500],
    ['access-denied', 'AccessDenied', 403],
    ['expired-token', 'ExpiredToken', 403],
  ])('renders %s as %s (HTTP %i) and never reaches the operation', async (kind, code, status) => {
    fault = { kind } as AwsApiFault;
    const before = h.emulator.callCounts().ListHostedZones ?? 0;
    const error = await failure(h.client.send(new ListHostedZonesCommand({})));
    fault = null;
    expect(error.name).toBe(code);
    expect(error.$metadata.httpStatusCode).toBe(status);
    expect(h.emulator.callCounts().ListHostedZones ?? 0).toBe(before);
  });

  it('drops the connection for down', async () => {
    fault = { kind: 'down' };
    const error: unknown = await h.client.send(new ListHostedZonesCommand({})).catch((e: unknown) => e);
    fault = null;
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(Route53ServiceException);
  });

  it('never answers for hang, until the client gives up', async () => {
    fault = { kind: 'hang' };
    const impatient = route53Client(h.endpoint, 'SANDBOX-us-west-2', 300);
    try {
      const error: unknown = await impatient.send(new ListHostedZonesCommand({})).catch((e: unknown) => e);
      expect((error as Error).name).toMatch(/TimeoutError/);
    } finally {
      fault = null;
      impatient.destroy();
    }
  });
});

describe('protocol edges', () => {
  it.each([
    ['malformed XML', 'POST', '/2013-04-01/hostedzone', '<CreateHostedZoneRequest><Name>x', 400, 'MalformedInput'],
    ['an empty body', 'POST', '/2013-04-01/hostedzone', '', 400, 'MalformedInput'],
    ['the wrong document', 'POST', '/2013-04-01/hostedzone', '<Other/>', 400, 'InvalidInput'],
    ['a bad maxitems', 'GET', '/2013-04-01/hostedzone?maxitems=abc', undefined, 400, 'InvalidInput'],
    ['an unknown route', 'GET', '/2013-04-01/nothing-here', undefined, 404, 'NotFound'],
    ['a bad URI escape', 'GET', '/2013-04-01/hostedzone/%E0%A4%A', undefined, 400, 'InvalidInput'],
  ])('answers %s with an XML error', async (_, method, path, body, status, code) => {
    const response = await raw(method, path, body);
    expect(response.status).toBe(status);
    expect(response.type).toBe('text/xml');
    expect(response.text).toContain(`<Code>${code}</Code>`);
    expect(response.text).toMatch(/<ErrorResponse xmlns="https:\/\/route53\.amazonaws\.com\/doc\/2013-04-01\/"><Error><Type>Sender<\/Type>/);
    expect(response.text).toMatch(/<RequestId>[0-9a-f-]{36}<\/RequestId>/);
  });

  it('lists every InvalidChangeBatch problem in Messages', async () => {
    const zone = await h.client.send(new CreateHostedZoneCommand({ Name: 'proto.example', CallerReference: 'proto' }));
    const id = zone.HostedZone?.Id?.replace('/hostedzone/', '') ?? '';
    const change = (action: string, name: string) =>
      `<Change><Action>${action}</Action><ResourceRecordSet><Name>${name}</Name><Type>A</Type><TTL>60</TTL><ResourceRecords><ResourceRecord><Value>192.0.2.1</Value></ResourceRecord></ResourceRecords></ResourceRecordSet></Change>`;
    const response = await raw(
      'POST',
      `/2013-04-01/hostedzone/${id}/rrset`,
      `<?xml version="1.0"?><ChangeResourceRecordSetsRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><ChangeBatch><Changes>${change('DELETE', 'a.proto.example')}${change('DELETE', 'b.proto.example')}</Changes></ChangeBatch></ChangeResourceRecordSetsRequest>`,
    );
    expect(response.status).toBe(400);
    expect(response.text).toContain('<Code>InvalidChangeBatch</Code>');
    expect(response.text.match(/<Messages>(.*)<\/Messages>/)?.[1]?.match(/<Message>/g)).toHaveLength(2);
  });
});

describe('throttling and call counts', () => {
  it('throttles with Route 53 Throttling once the account bucket is empty', async () => {
    const limited = await startRoute53({ throttle: { account: { burst: 3, refillPerSecond: 0.001 } } });
    try {
      for (let i = 0; i < 3; i++) await limited.client.send(new ListHostedZonesCommand({}));
      const error = await failure(limited.client.send(new ListHostedZonesCommand({})));
      expect(error.name).toBe('Throttling');
      expect(error.message).toBe('Rate exceeded');
      expect(error.$metadata.httpStatusCode).toBe(400);
      expect(limited.emulator.callCounts()).toEqual({ ListHostedZones: 3 });
    } finally {
      await limited.close();
    }
  });

  it('throttles GetHealthCheckStatus on its own bucket', async () => {
    const limited = await startRoute53({ throttle: { account: false, healthCheckStatus: { burst: 2, refillPerSecond: 0.001 } } });
    try {
      limited.emulator.seedHealthCheck({ id: 'hc-1', config: { type: 'RECOVERY_CONTROL', routingControlArn: 'arn:aws:route53-recovery-control::000000000000:controlpanel/p/routingcontrol/r' } });
      for (let i = 0; i < 2; i++) await limited.client.send(new GetHealthCheckStatusCommand({ HealthCheckId: 'hc-1' }));
      expect((await failure(limited.client.send(new GetHealthCheckStatusCommand({ HealthCheckId: 'hc-1' })))).name).toBe('Throttling');
      await limited.client.send(new ListHostedZonesCommand({}));
    } finally {
      await limited.close();
    }
  });

  it('counts each operation that ran, failed or not', async () => {
    const counted = await startRoute53();
    try {
      const zone = await counted.client.send(new CreateHostedZoneCommand({ Name: 'count.example', CallerReference: 'count' }));
      const batch = { Changes: [{ Action: 'CREATE' as const, ResourceRecordSet: { Name: 'a.count.example', Type: 'A' as const, TTL: 5, ResourceRecords: [{ Value: '192.0.2.1' }] } }] };
      await counted.client.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zone.HostedZone?.Id, ChangeBatch: batch }));
      await failure(counted.client.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zone.HostedZone?.Id, ChangeBatch: batch })));
      expect(counted.emulator.callCounts()).toEqual({ CreateHostedZone: 1, ChangeResourceRecordSets: 2 });
    } finally {
      await counted.close();
    }
  });
});

describe('createRoute53Emulator options', () => {
  it.each([
    [{ timeScale: 0 }, 'timeScale'],
    [{ propagationDelayMs: -1 }, 'propagationDelayMs'],
    [{ probeTimeoutMs: 0 }, 'probeTimeoutMs'],
  ])('refuses %j, naming the option', (options, name) => {
    expect(() => createRoute53Emulator(options)).toThrow(InputError);
    expect(() => createRoute53Emulator(options)).toThrow(name);
  });
});
