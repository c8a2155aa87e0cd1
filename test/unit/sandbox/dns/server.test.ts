import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import dnsPacket from 'dns-packet';
import type { DecodedPacket } from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangeResourceRecordSetsCommand, GetChangeCommand } from '@aws-sdk/client-route-53';
import { createDnsServer } from '../../../../sandbox/dns/server.js';
import type { DnsServer } from '../../../../sandbox/dns/server.js';
import type { RoutingControlState } from '../../../../sandbox/route53/index.js';
import { eventually, startRoute53 } from '../route53/harness.js';
import type { Harness } from '../route53/harness.js';

const ARN = (region: string) => `arn:aws:route53-recovery-control::000000000000:controlpanel/sandbox/routingcontrol/${region}`;
const controls = new Map<string, RoutingControlState>([
  [ARN('us-east-1'), 'On'],
  [ARN('us-west-2'), 'On'],
]);

let h: Harness;
let dns: DnsServer;
let port: number;
let app: Server;
let appStatus = 200;
const resolver = new Resolver({ timeout: 1000, tries: 2 });

beforeAll(async () => {
  app = createServer((_, res) => {
    res.writeHead(appStatus);
    res.end();
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  h = await startRoute53({ propagationDelayMs: 300, timeScale: 0.02, probeTimeoutMs: 1000, routingControlState: (arn) => controls.get(arn), random: () => 0.5 });
  const { emulator } = h;
  emulator.seedHealthCheck({ id: 'sandbox-hc-us-east-1', config: { type: 'RECOVERY_CONTROL', routingControlArn: ARN('us-east-1') } });
  emulator.seedHealthCheck({ id: 'sandbox-hc-us-west-2', config: { type: 'RECOVERY_CONTROL', routingControlArn: ARN('us-west-2') } });
  emulator.seedHealthCheck({
    id: 'api-east',
    config: { type: 'HTTP', ipAddress: '127.0.0.1', port: (app.address() as AddressInfo).port, resourcePath: '/health', requestInterval: 10, failureThreshold: 1 },
  });
  emulator.seedHostedZone({
    id: 'ZSANDBOXPUBLIC',
    name: 'auth.sandbox',
    records: [
      { name: 'login.auth.sandbox', type: 'A', ttl: 5, values: ['192.0.2.1'], setIdentifier: 'us-east-1', failover: 'PRIMARY', healthCheckId: 'sandbox-hc-us-east-1' },
      { name: 'login.auth.sandbox', type: 'A', ttl: 5, values: ['192.0.2.2'], setIdentifier: 'us-west-2', failover: 'SECONDARY', healthCheckId: 'sandbox-hc-us-west-2' },
      { name: 'api.auth.sandbox', type: 'A', ttl: 7, values: ['192.0.2.11'], setIdentifier: 'east', failover: 'PRIMARY', healthCheckId: 'api-east' },
      { name: 'api.auth.sandbox', type: 'A', ttl: 7, values: ['192.0.2.12'], setIdentifier: 'west', failover: 'SECONDARY' },
      { name: 'www.auth.sandbox', type: 'CNAME', ttl: 60, values: ['login.auth.sandbox'] },
      { name: 'note.auth.sandbox', type: 'TXT', ttl: 60, values: ['"hello sandbox"'] },
      { name: 'v6.auth.sandbox', type: 'AAAA', ttl: 30, values: ['2001:db8::1'] },
      { name: 'big.auth.sandbox', type: 'A', ttl: 60, values: Array.from({ length: 100 }, (_, i) => `10.0.${Math.floor(i / 200)}.${i + 1}`) },
    ],
  });
  emulator.seedHostedZone({
    id: 'ZSANDBOXPRIVATE',
    name: 'db.auth.internal',
    vpc: { region: 'us-east-1', id: 'vpc-sandbox' },
    records: [{ name: 'writer.db.auth.internal', type: 'CNAME', ttl: 5, values: ['auth-us-east-1.cluster.us-east-1.rds.sandbox'] }],
  });
  emulator.start();
  dns = createDnsServer({ source: emulator });
  ({ port } = await dns.start());
  resolver.setServers([`127.0.0.1:${port}`]);
});

afterAll(async () => {
  await dns.close();
  await h.close();
  app.closeAllConnections();
  await new Promise<void>((resolve) => app.close(() => resolve()));
});

const a = async (name: string) => (await resolver.resolve4(name)).sort();
const errorCode = (call: Promise<unknown>) => call.then(() => 'answered', (e: NodeJS.ErrnoException) => e.code);

/** One raw query over UDP, to see the flags a resolver library hides. */
function udpQuery(name: string, type: 'A' | 'TXT'): Promise<DecodedPacket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error('no UDP answer within 2 s'));
    }, 2000);
    socket.once('message', (message) => {
      clearTimeout(timer);
      socket.close();
      resolve(dnsPacket.decode(message));
    });
    socket.send(dnsPacket.encode({ type: 'query', id: 7, questions: [{ name, type, class: 'IN' }] }), port, '127.0.0.1');
  });
}

/** Two queries on one TCP connection, length-prefixed. */
function tcpQueries(names: string[]): Promise<DecodedPacket[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(2000, () => {
      socket.destroy();
      reject(new Error('no TCP answer within 2 s'));
    });
    let buffered = Buffer.alloc(0);
    const replies: DecodedPacket[] = [];
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        replies.push(dnsPacket.decode(buffered.subarray(2, 2 + buffered.readUInt16BE(0))));
        buffered = buffered.subarray(2 + buffered.readUInt16BE(0));
      }
      if (replies.length === names.length) {
        socket.end();
        resolve(replies);
      }
    });
    socket.on('error', reject);
    socket.write(Buffer.concat(names.map((name, i) => dnsPacket.streamEncode({ type: 'query', id: i + 1, questions: [{ name, type: 'A', class: 'IN' }] }))));
  });
}

describe('the sandbox DNS server with a real resolver', () => {
  it('answers A, TXT and AAAA records with the configured TTL', async () => {
    expect(await resolver.resolve4('login.auth.sandbox', { ttl: true })).toEqual([{ address: '192.0.2.1', ttl: 5 }]);
    expect(await resolver.resolveTxt('note.auth.sandbox')).toEqual([['hello sandbox']]);
    expect(await resolver.resolve6('v6.auth.sandbox', { ttl: true })).toEqual([{ address: '2001:db8::1', ttl: 30 }]);
  });

  it('answers the apex NS and SOA records Route 53 created with the zone', async () => {
    const ns = await resolver.resolveNs('auth.sandbox');
    expect(ns).toHaveLength(4);
    expect(ns.every((name) => /^ns-\d+\.awsdns-\d+\./.test(name))).toBe(true);
    expect(await resolver.resolveSoa('auth.sandbox')).toMatchObject({ nsname: ns[0], hostmaster: 'awsdns-hostmaster.amazon.com', minttl: 86400 });
  });

  it('chases CNAMEs inside the emulated zones and leaves outside targets to the client', async () => {
    expect(await resolver.resolveCname('www.auth.sandbox')).toEqual(['login.auth.sandbox']);
    expect(await a('WWW.Auth.Sandbox')).toEqual(['192.0.2.1']);
    const [reply] = await tcpQueries(['writer.db.auth.internal']);
    expect(reply?.answers).toEqual([expect.objectContaining({ type: 'CNAME', data: 'auth-us-east-1.cluster.us-east-1.rds.sandbox', ttl: 5 })]);
  });

  it.each([
    ['a missing name (NXDOMAIN)', 'nope.auth.sandbox', 'ENOTFOUND'],
    ['an existing name without the type (NODATA)', 'note.auth.sandbox', 'ENODATA'],
    ['a name outside every zone (REFUSED)', 'example.org', 'EREFUSED'],
  ])('answers %s', async (_, name, code) => {
    expect(await errorCode(resolver.resolve4(name))).toBe(code);
  });

  it('puts the SOA in the authority section of negative answers', async () => {
    const [reply] = await tcpQueries(['nope.auth.sandbox']);
    expect(reply).toMatchObject({ flag_aa: true, answers: [], authorities: [{ type: 'SOA', name: 'auth.sandbox', ttl: 900 }] });
    expect((reply as DecodedPacket & { rcode: string }).rcode).toBe('NXDOMAIN');
  });

  it('truncates long answers over UDP and gives them whole over TCP', async () => {
    const udp = await udpQuery('big.auth.sandbox', 'A');
    expect(udp.flag_tc).toBe(true);
    expect(await a('big.auth.sandbox')).toHaveLength(100); // the resolver retried over TCP
    const [tcp, second] = await tcpQueries(['big.auth.sandbox', 'login.auth.sandbox']);
    expect(tcp?.answers).toHaveLength(100);
    expect(second?.answers?.[0]).toMatchObject({ data: '192.0.2.1' });
  });
});

describe('answers that follow health and changes', () => {
  it('moves a failover name when a routing control flips, with no control-plane call', async () => {
    const before = h.emulator.callCounts();
    controls.set(ARN('us-east-1'), 'Off');
    expect(await a('login.auth.sandbox')).toEqual(['192.0.2.2']);
    controls.set(ARN('us-west-2'), 'Off');
    expect(await a('login.auth.sandbox')).toEqual(['192.0.2.1']); // both unhealthy: fail open to PRIMARY
    controls.set(ARN('us-east-1'), 'On');
    controls.set(ARN('us-west-2'), 'On');
    expect(await a('login.auth.sandbox')).toEqual(['192.0.2.1']);
    expect(h.emulator.callCounts()).toEqual(before);
  });

  it('fails over while an HTTP health check fails and fails back when it recovers', async () => {
    expect(await a('api.auth.sandbox')).toEqual(['192.0.2.11']);
    appStatus = 503;
    await eventually(async () => (await a('api.auth.sandbox'))[0] === '192.0.2.12');
    appStatus = 200;
    await eventually(async () => (await a('api.auth.sandbox'))[0] === '192.0.2.11');
  });

  it('switches a record changed through the API once the change is INSYNC', async () => {
    const { ChangeInfo } = await h.client.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: 'ZSANDBOXPRIVATE',
        ChangeBatch: {
          Changes: [{ Action: 'UPSERT', ResourceRecordSet: { Name: 'writer.db.auth.internal', Type: 'CNAME', TTL: 5, ResourceRecords: [{ Value: 'auth-us-west-2.cluster.us-west-2.rds.sandbox' }] } }],
        },
      }),
    );
    expect(ChangeInfo?.Status).toBe('PENDING');
    expect(await resolver.resolveCname('writer.db.auth.internal')).toEqual(['auth-us-east-1.cluster.us-east-1.rds.sandbox']);
    await eventually(async () => (await h.client.send(new GetChangeCommand({ Id: ChangeInfo?.Id }))).ChangeInfo?.Status === 'INSYNC');
    expect(await resolver.resolveCname('writer.db.auth.internal')).toEqual(['auth-us-west-2.cluster.us-west-2.rds.sandbox']);
  });
});

describe('createDnsServer', () => {
  it('listens on a chosen port and closes cleanly', async () => {
    const probe = createDnsServer({ source: h.emulator });
    const { port: free } = await probe.start();
    await probe.close();
    const fixed = createDnsServer({ source: h.emulator, port: free });
    expect((await fixed.start()).port).toBe(free);
    const own = new Resolver({ timeout: 1000, tries: 1 });
    own.setServers([`127.0.0.1:${free}`]);
    expect(await own.resolve4('login.auth.sandbox')).toEqual(['192.0.2.1']);
    await fixed.close();
  });
});
