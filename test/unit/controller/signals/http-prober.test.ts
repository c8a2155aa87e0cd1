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

  it('names its vantage point in a header and probes every target at once', async () => {
    vantages.length = 0;
    const subject = new HttpProber({
      vantage: 'eu-west-1',
      timeout: 300,
      targets: [
        { region: 'us-east-1', service: 'api', url: `${base}/ok` },
        { region: 'us-west-2', service: 'api', url: `${base}/hang` },
      ],
    });
    try {
      const observations = await subject.read();
      expect(observations.map((o) => [o.region, o.outcome])).toEqual([
        ['us-east-1', 'ok'],
        ['us-west-2', 'timeout'],
      ]);
      expect(vantages).toEqual(['eu-west-1', 'eu-west-1']);
    } finally {
      await subject.close();
    }
  });

  it('opens a fresh connection for every probe', async () => {
    let connections = 0;
    const count = () => connections++;
    server.on('connection', count);
    const subject = prober();
    try {
      for (let n = 0; n < 3; n++) await subject.probe({ region: 'us-east-1', service: 'api', url: `${base}/ok` });
      expect(connections).toBe(3);
    } finally {
      server.off('connection', count);
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
