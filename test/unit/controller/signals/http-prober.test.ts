import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpProber, probeTargets, VANTAGE_HEADER } from '../../../../controller/signals/http-prober.js';

/** A loopback app whose path picks the behaviour: /ok, /503, /hang, /slow-body. */
function app(): { server: Server; vantages: string[] } {
  const vantages: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    vantages.push(String(req.headers[VANTAGE_HEADER]));
    if (req.url === '/ok') res.end('ok');
    else if (req.url === '/503') res.writeHead(503).end('unavailable');
    else if (req.url === '/slow-body') res.writeHead(200).write('partial');
    // '/hang': never answer.
  });
  return { server, vantages };
}

describe('HttpProber against a loopback server', () => {
  const { server, vantages } = app();
  let base = '';
  let refusedUrl = '';
  const prober = () => new HttpProber({ vantage: 'us-west-2', targets: [], timeout: 300 });

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // A port that was free a moment ago: nothing listens there, so connecting is refused.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    refusedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/health`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const cases: Array<[string, () => string, 'ok' | 'fail' | 'timeout', string | undefined]> = [
    ['a 200 is ok', () => `${base}/ok`, 'ok', undefined],
    ['a 503 fails with its status', () => `${base}/503`, 'fail', 'HTTP 503'],
    ['a refused connection fails with its code', () => refusedUrl, 'fail', 'ECONNREFUSED'],
    ['a hang is a timeout, not a stuck probe', () => `${base}/hang`, 'timeout', 'timeout after 300ms'],
    ['a body that never ends is a timeout', () => `${base}/slow-body`, 'timeout', 'timeout after 300ms'],
  ];

  it.each(cases)('%s', async (_label, url, outcome, detail) => {
    const subject = prober();
    try {
      const observation = await subject.probe({ region: 'us-east-1', service: 'api', url: url() });
      expect(observation).toMatchObject({ region: 'us-east-1', service: 'api', vantage: 'us-west-2', signal: 'http', outcome });
      expect(observation.detail).toBe(detail);
      expect(observation.latencyMs).toBeGreaterThanOrEqual(0);
      if (outcome === 'timeout') expect(observation.latencyMs).toBeGreaterThanOrEqual(250);
    } finally {
      await subject.close();
    }
  });

  it('probes every target once per interval, spread across it, naming its vantage point in a header', async () => {
    const arrivals: { url: string; at: number }[] = [];
    const note = (req: IncomingMessage) => arrivals.push({ url: req.url!, at: performance.now() });
    server.on('request', note);
    const subject = new HttpProber({
      vantage: 'eu-west-1',
      timeout: 100,
      interval: 200,
      targets: ['a', 'b', 'c', 'd'].map((name) => ({ region: name, service: 'api', url: `${base}/ok` })),
    });
    try {
      vantages.length = 0;
      expect(await subject.read()).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 650));
      const observations = await subject.read();
      expect(observations.length).toBeGreaterThanOrEqual(8);
      expect(new Set(observations.map((o) => o.region))).toEqual(new Set(['a', 'b', 'c', 'd']));
      expect(observations.every((o) => o.outcome === 'ok' && o.vantage === 'eu-west-1')).toBe(true);
      expect(new Set(vantages)).toEqual(new Set(['eu-west-1']));
      // In one round the four targets go out one after another, a quarter of the interval apart, not at once.
      expect(arrivals[3]!.at - arrivals[0]!.at).toBeGreaterThan(50);
      expect(subject.stats.snapshot()).toMatchObject({ outcomes: { ok: observations.length, timeout: 0, unknown: 0 } });
    } finally {
      server.off('request', note);
      await subject.close();
    }
  });

  it('keeps connections alive, and renews them after connectionLifetime', async () => {
    let connections = 0;
    const count = () => connections++;
    server.on('connection', count);
    const reused = prober();
    try {
      for (let n = 0; n < 10; n++) await reused.probe({ region: 'us-east-1', service: 'api', url: `${base}/ok` });
      expect(connections).toBeLessThanOrEqual(2);
    } finally {
      await reused.close();
    }
    connections = 0;
    const renewing = new HttpProber({ vantage: 'us-west-2', timeout: 50, interval: 60, connectionLifetime: 200, targets: [{ region: 'us-east-1', service: 'api', url: `${base}/ok` }] });
    try {
      renewing.start();
      await new Promise((resolve) => setTimeout(resolve, 700));
      const probed = (await renewing.read()).length;
      expect(probed).toBeGreaterThan(6);
      expect(connections).toBeGreaterThan(1);
      expect(connections).toBeLessThan(probed);
    } finally {
      server.off('connection', count);
      await renewing.close();
    }
  });

  it('knows its own health: a deadline it could not keep because its event loop was blocked is unknown, not a timeout', async () => {
    const subject = prober();
    try {
      const pending = subject.probe({ region: 'us-east-1', service: 'api', url: `${base}/hang` });
      // Starve this process: nothing runs, not even the probe's deadline, for 600 ms.
      const until = performance.now() + 600;
      while (performance.now() < until);
      const observation = await pending;
      expect(observation.outcome).toBe('unknown');
      expect(observation.detail).toMatch(/^observer starved: \d+ms late \(timeout after 300ms not counted\)$/);
    } finally {
      await subject.close();
    }
  });

  it('derives one target per service and region from the config', () => {
    expect(
      probeTargets({
        services: [
          { name: 'api', critical: true, endpoints: { 'us-east-1': 'http://a/health', 'us-west-2': 'http://b/health' } },
          { name: 'login', critical: false, endpoints: { 'us-east-1': 'http://c/health' } },
        ],
      }),
    ).toEqual([
      { region: 'us-east-1', service: 'api', url: 'http://a/health' },
      { region: 'us-west-2', service: 'api', url: 'http://b/health' },
      { region: 'us-east-1', service: 'login', url: 'http://c/health' },
    ]);
  });
});
