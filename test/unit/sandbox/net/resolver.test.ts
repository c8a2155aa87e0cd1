import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CachingResolver, DnsLookupError } from '../../../../sandbox/net/resolver.js';
import { manualClock } from '../manual-clock.js';

/** A tiny authoritative server: answers from `records`, counts the queries it saw. */
let records: Record<string, dnsPacket.StringAnswer[]> = {};
let queries = 0;
let server: Socket;
let port = 0;

beforeAll(async () => {
  server = createSocket('udp4');
  server.on('message', (buffer, peer) => {
    const query = dnsPacket.decode(buffer);
    const question = query.questions?.[0];
    if (!question) return;
    queries++;
    if (question.name === 'silent.test') return;
    const answers = records[`${question.type} ${question.name}`];
    const reply = dnsPacket.encode({
      type: 'response',
      id: query.id,
      flags: answers ? 0 : 3, // rcode 3 = NXDOMAIN
      questions: [question],
      answers: answers ?? [],
    });
    server.send(reply, peer.port, peer.address);
  });
  await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => server.close());

describe('CachingResolver', () => {
  it('caches an answer for its TTL, then asks again and sees the new answer', async () => {
    const clock = manualClock();
    const resolver = new CachingResolver({ host: '127.0.0.1', port, timeoutMs: 2000, clock });
    records = { 'A login.test': [{ type: 'A', name: 'login.test', ttl: 5, data: '127.0.1.1' }] };
    queries = 0;
    expect(await resolver.resolve('login.test', 'A')).toEqual(['127.0.1.1']);
    records = { 'A login.test': [{ type: 'A', name: 'login.test', ttl: 5, data: '127.0.1.2' }] };
    clock.advance(4_999);
    expect(await resolver.resolve('login.test', 'A')).toEqual(['127.0.1.1']);
    expect(queries).toBe(1);
    clock.advance(1);
    expect(await resolver.resolve('login.test', 'A')).toEqual(['127.0.1.2']);
    expect(queries).toBe(2);
  });

  it('reads a CNAME target and never caches a zero TTL', async () => {
    const resolver = new CachingResolver({ host: '127.0.0.1', port, timeoutMs: 2000, clock: manualClock() });
    records = { 'CNAME writer.db.test': [{ type: 'CNAME', name: 'writer.db.test', ttl: 0, data: 'cluster-a.rds.test' }] };
    queries = 0;
    expect(await resolver.resolve('writer.db.test', 'CNAME')).toEqual(['cluster-a.rds.test']);
    expect(await resolver.resolve('writer.db.test', 'CNAME')).toEqual(['cluster-a.rds.test']);
    expect(queries).toBe(2);
  });

  it.each([
    { name: 'missing.test', message: /missing\.test A: NXDOMAIN/ },
    { name: 'silent.test', message: /silent\.test A: no reply from 127\.0\.0\.1:\d+ within 200ms/ },
  ])('fails clearly for $name', async ({ name, message }) => {
    const resolver = new CachingResolver({ host: '127.0.0.1', port, timeoutMs: 200 });
    records = {};
    const error = await resolver.resolve(name, 'A').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DnsLookupError);
    expect((error as Error).message).toMatch(message);
  });
});
