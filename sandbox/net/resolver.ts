import { createSocket } from 'node:dgram';
import { randomInt } from 'node:crypto';
import dnsPacket from 'dns-packet';
import { FcpError } from '../../kernel/errors.js';
import { systemClock, type SchedulingClock } from '../../kernel/clock.js';

/** A name did not resolve: no answer, an error code from the server, or no reply in time. */
export class DnsLookupError extends FcpError {}

export type LookupType = 'A' | 'CNAME';

export interface ResolverOptions {
  host: string;
  port: number;
  /** How long to wait for the server's reply. */
  timeoutMs: number;
  clock?: SchedulingClock;
}

/**
 * A stub resolver for the sandbox's DNS server, caching each answer for its TTL like a client's
 * resolver cache would: a flip is seen by a client only once the cached answer expires.
 */
export class CachingResolver {
  private readonly cache = new Map<string, { values: string[]; expiresAt: number }>();
  private readonly clock: SchedulingClock;

  constructor(private readonly options: ResolverOptions) {
    this.clock = options.clock ?? systemClock;
  }

  /** The A addresses, or the CNAME target, of `name`. Throws DnsLookupError when there is none. */
  async resolve(name: string, type: LookupType): Promise<string[]> {
    const key = `${type} ${name.toLowerCase()}`;
    const cached = this.cache.get(key);
    if (cached && cached.expiresAt > this.clock.now()) return cached.values;
    const reply = await this.query(name, type);
    // dns-packet decodes the response code, but its types leave it out.
    const rcode = (reply as dnsPacket.DecodedPacket & { rcode?: string }).rcode ?? 'NOERROR';
    const records = (reply.answers ?? []).filter(
      (a): a is dnsPacket.StringAnswer => a.type === type && (type === 'A' || a.name.toLowerCase() === name.toLowerCase()),
    );
    if (rcode !== 'NOERROR' || records.length === 0) {
      this.cache.delete(key);
      throw new DnsLookupError(`${name} ${type}: ${rcode === 'NOERROR' ? 'no records' : rcode}`, { context: { name, type, rcode }, transient: true });
    }
    const values = records.map((r) => r.data);
    const ttl = Math.min(...records.map((r) => r.ttl ?? 0));
    if (ttl > 0) this.cache.set(key, { values, expiresAt: this.clock.now() + ttl * 1000 });
    return values;
  }

  private query(name: string, type: LookupType): Promise<dnsPacket.DecodedPacket> {
    const id = randomInt(1, 65535);
    const message = dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name }] });
    return new Promise((resolve, reject) => {
      const socket = createSocket('udp4');
      const finish = (outcome: () => void) => {
        clearTimeout(timer);
        socket.close();
        outcome();
      };
      const timer = setTimeout(
        () => finish(() => reject(new DnsLookupError(`${name} ${type}: no reply from ${this.options.host}:${this.options.port} within ${this.options.timeoutMs}ms`, { transient: true }))),
        this.options.timeoutMs,
      );
      socket.on('error', (cause) => finish(() => reject(new DnsLookupError(`${name} ${type}: ${cause.message}`, { cause, transient: true }))));
      socket.on('message', (buffer) => {
        let reply: dnsPacket.DecodedPacket;
        try {
          reply = dnsPacket.decode(buffer);
        } catch {
          return; // not a DNS message; keep waiting for the real reply
        }
        if (reply.id === id) finish(() => resolve(reply));
      });
      socket.send(message, this.options.port, this.options.host);
    });
  }
}
