import dnsPacket from 'dns-packet';
import type { DecodedPacket } from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { answerQuery } from '../../../../sandbox/dns/answer.js';
import type { DnsAnswerSource } from '../../../../sandbox/dns/answer.js';
import type { Resolution } from '../../../../sandbox/route53/index.js';

const query = (name: string, type: 'A' | 'MX' | 'TXT' | 'SRV' | 'SOA', flags = dnsPacket.RECURSION_DESIRED): DecodedPacket =>
  dnsPacket.decode(dnsPacket.encode({ type: 'query', id: 42, flags, questions: [{ name, type, class: 'IN' }] }));
const sourceOf = (resolution: Resolution): DnsAnswerSource => ({ resolve: () => resolution });
/** Round-trips the reply through the wire format, as a client sees it. */
const wire = (packet: ReturnType<typeof answerQuery>) => dnsPacket.decode(dnsPacket.encode(packet)) as DecodedPacket & { rcode: string };

describe('answerQuery', () => {
  it.each([
    ['MX', '10 mail.example.com.', { preference: 10, exchange: 'mail.example.com' }],
    ['SRV', '1 5 443 api.example.com.', { priority: 1, weight: 5, port: 443, target: 'api.example.com' }],
    ['SOA', 'ns-1.awsdns-1.com. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400', { mname: 'ns-1.awsdns-1.com', rname: 'awsdns-hostmaster.amazon.com', serial: 1, refresh: 7200, retry: 900, expire: 1209600, minimum: 86400 }],
  ] as const)('encodes %s records', (type, value, data) => {
    const reply = wire(answerQuery(query('x.example.com', type), sourceOf({ rcode: 'NOERROR', answers: [{ name: 'x.example.com.', type, ttl: 30, value }], authority: [] })));
    expect(reply.answers?.[0]).toMatchObject({ name: 'x.example.com', type, ttl: 30, data });
  });

  it('encodes TXT character strings', () => {
    const reply = wire(answerQuery(query('t.example.com', 'TXT'), sourceOf({ rcode: 'NOERROR', answers: [{ name: 't.example.com.', type: 'TXT', ttl: 5, value: '"v=1" "two \\"quoted\\""' }], authority: [] })));
    expect((reply.answers?.[0] as { data: Buffer[] }).data.map(String)).toEqual(['v=1', 'two "quoted"']);
  });

  it('answers authoritatively, echoing the id, question and RD flag', () => {
    const reply = wire(answerQuery(query('a.example.com', 'A'), sourceOf({ rcode: 'NOERROR', answers: [{ name: 'a.example.com.', type: 'A', ttl: 5, value: '192.0.2.1' }], authority: [] })));
    expect(reply).toMatchObject({ id: 42, type: 'response', flag_aa: true, flag_rd: true, rcode: 'NOERROR', questions: [{ name: 'a.example.com', type: 'A' }] });
  });

  it('carries NXDOMAIN with the SOA in authority', () => {
    const soa = { name: 'example.com.', type: 'SOA' as const, ttl: 900, value: 'ns-1.awsdns-1.com. h.example.com. 1 7200 900 1209600 86400' };
    const reply = wire(answerQuery(query('missing.example.com', 'A'), sourceOf({ rcode: 'NXDOMAIN', answers: [], authority: [soa] })));
    expect(reply).toMatchObject({ rcode: 'NXDOMAIN', flag_aa: true, answers: [], authorities: [{ type: 'SOA', name: 'example.com' }] });
  });

  it('refuses without authority, and answers NOTIMP for other opcodes and FORMERR without a question', () => {
    expect(wire(answerQuery(query('example.org', 'A'), sourceOf({ rcode: 'REFUSED' })))).toMatchObject({ rcode: 'REFUSED', flag_aa: false });
    const notify = query('example.com', 'SOA', 4 << 11);
    expect(wire(answerQuery(notify, sourceOf({ rcode: 'REFUSED' }))).rcode).toBe('NOTIMP');
    const empty = dnsPacket.decode(dnsPacket.encode({ type: 'query', id: 1, questions: [] }));
    expect(wire(answerQuery(empty, sourceOf({ rcode: 'REFUSED' }))).rcode).toBe('FORMERR');
  });
});
