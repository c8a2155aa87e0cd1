import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTraffic } from '../../../../sandbox/traffic/generator.js';

/** A stand-in regional app: answers writes with an id and reads with 200, naming its region. */
function fakeApp(region: string, seen: { vantage?: string }) {
  return createServer((req, res) => {
    seen.vantage = String(req.headers['x-fcp-vantage']);
    req.resume();
    res.setHeader('x-fcp-region', region);
    if (req.method === 'POST') res.writeHead(201).end(JSON.stringify({ id: `${region}-${Math.random()}` }));
    else res.writeHead(req.url?.includes('us-west-2') ? 404 : 200).end('{}');
  });
}

const seen: { vantage?: string } = {};
let east: Server;
let west: Server;
let port = 0;

beforeAll(async () => {
  east = fakeApp('us-east-1', seen);
  await new Promise<void>((resolve) => east.listen(0, '127.0.1.1', resolve));
  port = (east.address() as AddressInfo).port;
  west = fakeApp('us-west-2', seen);
  await new Promise<void>((resolve) => west.listen(port, '127.0.1.2', resolve));
});
afterAll(async () => {
  for (const server of [east, west]) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function until(check: () => boolean, what: string) {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('startTraffic', () => {
  it('follows DNS from one region through an outage to another and records it per second', async () => {
    let address = '127.0.1.1';
    const traffic = startTraffic({
      publicName: 'login.test',
      port,
      resolver: { resolve: () => Promise.resolve([address]) },
      rate: 50,
      durationMs: 60_000,
      writeRatio: 0.5,
      timeoutMs: 1000,
    });
    await until(() => traffic.summary().ok >= 5, 'requests to us-east-1');
    address = '127.0.1.9'; // nothing listens there: connection refused
    await until(() => traffic.summary().failed >= 3, 'failures');
    address = '127.0.1.2';
    await until(() => (traffic.summary().regions['us-west-2'] ?? 0) >= 5, 'requests to us-west-2');
    const summary = await traffic.stop();

    expect(summary.regions['us-east-1']).toBeGreaterThanOrEqual(5);
    expect(summary.causes).toEqual({ ECONNREFUSED: summary.failed });
    expect(summary.outageSeconds).toBeGreaterThanOrEqual(1);
    expect(summary.clientOutageMs).toBe((summary.lastFailureAt ?? 0) - (summary.firstFailureAt ?? 0));
    expect(summary.requests).toBe(summary.ok + summary.failed);
    const timeline = traffic.timeline();
    expect(timeline.reduce((n, s) => n + s.ok + s.failed, 0)).toBe(summary.requests);
    expect(timeline.map((s) => s.second)).toEqual(timeline.map((_, i) => i));
    expect(seen.vantage).toBe('client');
  });

  it('stops by itself after its duration', async () => {
    const traffic = startTraffic({
      publicName: 'login.test',
      port,
      resolver: { resolve: () => Promise.resolve(['127.0.1.1']) },
      rate: 20,
      durationMs: 300,
      writeRatio: 1,
      timeoutMs: 1000,
      vantage: 'drill',
    });
    const summary = await traffic.done;
    expect(summary.requests).toBeGreaterThan(0);
    expect(summary.requests).toBeLessThanOrEqual(7); // 20/s for 0.3 s, plus the first tick
    expect(summary.failed).toBe(0);
    expect(seen.vantage).toBe('drill');
  });

  it('counts DNS failures and timeouts', async () => {
    const hanging = createServer(() => undefined);
    await new Promise<void>((resolve) => hanging.listen(port, '127.0.1.3', resolve));
    let fail = true;
    const traffic = startTraffic({
      publicName: 'login.test',
      port,
      resolver: { resolve: () => (fail ? Promise.reject(new Error('NXDOMAIN')) : Promise.resolve(['127.0.1.3'])) },
      rate: 20,
      durationMs: 60_000,
      writeRatio: 1,
      timeoutMs: 200,
    });
    await until(() => traffic.summary().failed >= 2, 'DNS failures');
    fail = false;
    await until(() => (traffic.summary().causes.timeout ?? 0) >= 2, 'timeouts');
    const summary = await traffic.stop();
    hanging.closeAllConnections();
    await new Promise((resolve) => hanging.close(resolve));
    expect(Object.keys(summary.causes).sort()).toEqual(['DNS Error: NXDOMAIN', 'timeout']);
  });
});
