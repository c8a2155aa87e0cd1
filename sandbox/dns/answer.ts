import dnsPacket from 'dns-packet';
import type { Answer, DecodedPacket, Packet } from 'dns-packet';
import type { Resolution, ResolvedRecord } from '../route53/index.js';
import { txtStrings } from '../route53/record-sets.js';

/** Where answers come from: the Route 53 emulator's data plane (`Route53Emulator.resolve`). */
export interface DnsAnswerSource {
  resolve(name: string, type: string): Resolution;
}

const bare = (name: string): string => name.replace(/\.$/, '');

/** One stored record in dns-packet's shape. */
function toAnswer(record: ResolvedRecord): Answer {
  const base = { name: bare(record.name), ttl: record.ttl, class: 'IN' as const };
  const parts = record.value.split(/\s+/);
  const number = (index: number): number => Number(parts[index]);
  switch (record.type) {
    case 'A':
    case 'AAAA':
      return { ...base, type: record.type, data: record.value };
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return { ...base, type: record.type, data: bare(record.value) };
    case 'TXT':
      return { ...base, type: 'TXT', data: txtStrings(record.value) };
    case 'MX':
      return { ...base, type: 'MX', data: { preference: number(0), exchange: bare(parts[1] ?? '') } };
    case 'SRV':
      return { ...base, type: 'SRV', data: { priority: number(0), weight: number(1), port: number(2), target: bare(parts[3] ?? '') } };
    case 'SOA':
      return {
        ...base,
        type: 'SOA',
        data: { mname: bare(parts[0] ?? ''), rname: bare(parts[1] ?? ''), serial: number(2), refresh: number(3), retry: number(4), expire: number(5), minimum: number(6) },
      };
  }
}

/**
 * The response to one query: authoritative answers for the emulated zones, NXDOMAIN or NODATA with
 * the zone's SOA, REFUSED outside every zone, NOTIMP for anything but a standard query, FORMERR
 * for a query without exactly one question.
 */
export function answerQuery(query: DecodedPacket, source: DnsAnswerSource): Packet {
  const question = query.questions?.[0];
  const reply = (rcode: string, authoritative: boolean, answers: Answer[] = [], authorities: Answer[] = []): Packet => ({
    id: query.id ?? 0,
    type: 'response',
    // dns-packet carries the rcode (low four bits) and the opcode inside `flags`.
    flags: (authoritative ? dnsPacket.AUTHORITATIVE_ANSWER : 0) | ((query.flags ?? 0) & dnsPacket.RECURSION_DESIRED) | rcodeBits(rcode),
    questions: query.questions ?? [],
    answers,
    authorities,
  });
  const opcode = ((query.flags ?? 0) >> 11) & 0xf;
  if (opcode !== 0) return reply('NOTIMP', false);
  if (!question || (query.questions?.length ?? 0) !== 1) return reply('FORMERR', false);
  const resolution = source.resolve(question.name, question.type);
  if (resolution.rcode === 'REFUSED') return reply('REFUSED', false);
  return reply(resolution.rcode, true, resolution.answers.map(toAnswer), resolution.authority.map(toAnswer));
}

const RCODES: Record<string, number> = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 };

function rcodeBits(rcode: string): number {
  return RCODES[rcode] ?? 2;
}
