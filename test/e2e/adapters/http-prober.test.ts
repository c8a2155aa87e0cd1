import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HttpProber } from '../../../controller/signals/http-prober.js';
import { RegionApp } from '../../../sandbox/apps/region-app.js';
import { TestFaults } from './fixture.js';

/** The prober against the sandbox's regional demo app: app faults, and a cut seen from one vantage point only. */
describe('HttpProber against a sandbox regional app', () => {
  const faults = new TestFaults();
  const app = new RegionApp({
    region: 'us-east-1',
    host: '127.0.0.1',
    port: 0,
    healthPaths: ['/health'],
    names: { writer: 'writer.db.auth.internal', reader: 'reader.us-east-1.db.auth.internal' },
    resolver: { resolve: async () => ['auth-us-east-1.cluster-ro.us-east-1.rds.sandbox'] },
    db: { read: async () => undefined, write: async () => ({ ok: true }) },
    faults,
  });
  const probers = new Map<string, HttpProber>();
  const probe = (vantage: string) => {
    const prober = probers.get(vantage) ?? new HttpProber({ vantage, targets: [], timeout: 400 });
    probers.set(vantage, prober);
    return prober.probe({ region: 'us-east-1', service: 'api', url: `${app.url}/health` });
  };

  beforeAll(() => app.start());
  beforeEach(() => faults.app.clear());
  afterAll(async () => {
    await Promise.all([...probers.values()].map((prober) => prober.close()));
    await app.stop();
  });

  it.each([
    ['healthy', undefined, 'ok', undefined],
    ['answering 503', { kind: 'status', status: 503 } as const, 'fail', 'HTTP 503'],
    ['hanging', { kind: 'hang' } as const, 'timeout', 'timeout after 400ms'],
  ])('sees an app that is %s', async (_label, fault, outcome, detail) => {
    if (fault) faults.app.set('us-east-1', fault);
    const observation = await probe('eu-west-1');
    expect(observation).toMatchObject({ outcome, vantage: 'eu-west-1' });
    expect(observation.detail).toBe(detail);
  });

  it('sees a cut only from the vantage point that is cut off', async () => {
    faults.app.set('us-east-1|us-west-2', { kind: 'down' });
    const [cut, clear] = await Promise.all([probe('us-west-2'), probe('eu-west-1')]);
    expect(cut.outcome).toBe('fail');
    expect(cut.detail).toBe('ECONNRESET');
    expect(clear.outcome).toBe('ok');
  });
});
