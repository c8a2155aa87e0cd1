import { createSocket } from 'node:dgram';
import type { Socket as UdpSocket } from 'node:dgram';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import dnsPacket from 'dns-packet';
import type { Packet } from 'dns-packet';
import { FcpError } from '../../kernel/errors.js';
import { answerQuery } from './answer.js';
import type { DnsAnswerSource } from './answer.js';

export type { DnsAnswerSource } from './answer.js';

export interface DnsServerOptions {
  source: DnsAnswerSource;
  /** UDP and TCP port on 127.0.0.1; 0 picks a free port (the same for both). Default 0. */
  port?: number;
  host?: string;
}

export interface DnsServer {
  /** Listens on UDP and TCP; resolves with the port both use. */
  start(): Promise<{ port: number }>;
  /** Stops listening and drops open TCP connections. */
  close(): Promise<void>;
}

export class DnsServerError extends FcpError {}

/** Classic DNS over UDP: longer answers are truncated (TC) so the client retries over TCP. */
const UDP_PAYLOAD_LIMIT = 512;
const TCP_IDLE_MS = 10_000;
const PORT_ATTEMPTS = 10;

function respond(message: Buffer, source: DnsAnswerSource): Packet | undefined {
  let query;
  try {
    query = dnsPacket.decode(message);
  } catch {
    return undefined; // not DNS: drop it, as servers do
  }
  if (query.type === 'response') return undefined;
  return answerQuery(query, source);
}

function encodeForUdp(packet: Packet): Buffer {
  const full = dnsPacket.encode(packet);
  if (full.length <= UDP_PAYLOAD_LIMIT) return full;
  return dnsPacket.encode({ ...packet, flags: (packet.flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE, answers: [], authorities: [] });
}

/** Serves one TCP connection: two-byte length-prefixed messages, as many as the client sends. */
function serveTcp(socket: Socket, source: DnsAnswerSource): void {
  let buffered = Buffer.alloc(0);
  socket.setTimeout(TCP_IDLE_MS, () => socket.destroy());
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 2) {
      const length = buffered.readUInt16BE(0);
      if (buffered.length < 2 + length) return;
      const packet = respond(buffered.subarray(2, 2 + length), source);
      buffered = buffered.subarray(2 + length);
      if (packet) socket.write(dnsPacket.streamEncode(packet));
    }
  });
}

/** An authoritative DNS server for the Route 53 emulator's zones, on loopback, UDP and TCP. */
export function createDnsServer(options: DnsServerOptions): DnsServer {
  const host = options.host ?? '127.0.0.1';
  let udp: UdpSocket | undefined;
  let tcp: Server | undefined;
  const connections = new Set<Socket>();

  const listenUdp = (port: number): Promise<UdpSocket> =>
    new Promise((resolve, reject) => {
      const socket = createSocket('udp4');
      socket.once('error', reject);
      socket.bind(port, host, () => {
        socket.off('error', reject);
        socket.on('error', () => undefined); // a bad datagram must not take the server down
        socket.on('message', (message, remote) => {
          const packet = respond(message, options.source);
          if (packet) socket.send(encodeForUdp(packet), remote.port, remote.address);
        });
        resolve(socket);
      });
    });

  const listenTcp = (port: number): Promise<Server> =>
    new Promise((resolve, reject) => {
      const server = createServer((socket) => {
        connections.add(socket);
        socket.on('close', () => connections.delete(socket));
        serveTcp(socket, options.source);
      });
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve(server);
      });
    });

  return {
    async start() {
      const wanted = options.port ?? 0;
      // With port 0 the UDP port is free by construction but TCP may hold it: try a few.
      for (let attempt = 1; ; attempt++) {
        const socket = await listenUdp(wanted);
        const port = socket.address().port;
        try {
          tcp = await listenTcp(port);
          udp = socket;
          return { port };
        } catch (error) {
          socket.close();
          if (wanted !== 0 || attempt >= PORT_ATTEMPTS) {
            throw new DnsServerError(`the DNS server cannot listen on TCP ${host}:${port}`, { cause: error, context: { host, port } });
          }
        }
      }
    },
    async close() {
      for (const socket of connections) socket.destroy();
      await Promise.all([
        new Promise<void>((resolve) => (udp ? udp.close(() => resolve()) : resolve())),
        new Promise<void>((resolve) => (tcp ? tcp.close(() => resolve()) : resolve())),
      ]);
      udp = undefined;
      tcp = undefined;
    },
  };
}
