import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RegionApp } from '../../../../sandbox/apps/region-app.js';
import type { SessionStore } from '../../../../sandbox/apps/session-store.js';
import { FaultRegistry } from '../../../../sandbox/faults/registry.js';

const faults = new FaultRegistry({ regions: ['us-east-1', 'us-west-2'], arcEndpointRegions: ['a', 'b', 'c', 'd', 'e'] });

/** DNS as the app sees it: the DB records' CNAME targets. */
const cnames: Record<string, string> = {};
/** Two clusters; `writer` names the one that accepts writes. */
const db = {
  writer: 'east.cluster',
  unreachable: new Set<string>(),
  data: new Map<string, Map<string, string>>([['east.cluster', new Map()], ['west.cluster-ro', new Map()], ['east.cluster-ro', new Map()]]),
};
const store: SessionStore = {
  read(endpoint, key) {
    if (db.unreachable.has(endpoint)) return Promise.reject(new Error(`connect ETIMEDOUT ${endpoint}`));
    return Promise.resolve(db.data.get(endpoint)?.get(key));
  },
  write(endpoint, key, value) {
    if (endpoint !== db.writer) return Promise.resolve({ ok: false, reason: `${endpoint} is not the writer` });
    db.data.get(endpoint)?.set(key, value);
    db.data.get('east.cluster-ro')?.set(key, value);
    return Promise.resolve({ ok: true });
  },
};

const app = new RegionApp({
  region: 'us-east-1',
  host: '127.0.0.1',
  port: 0,
  healthPaths: ['/health'],
  names: { writer: 'writer.db', reader: 'reader.east.db' },
  resolver: {
    resolve: (name) => (cnames[name] ? Promise.resolve([cnames[name]]) : Promise.reject(new Error(`${name}: NXDOMAIN`))),
  },
  db: store,
  faults,
});
const unsubscribe = faults.onChange(() => void app.reconcile());

beforeAll(() => app.start());
afterAll(async () => {
  unsubscribe();
  faults.close();
  await app.stop();
});
beforeEach(() => {
  faults.clear();
  Object.assign(cnames, { 'writer.db': 'east.cluster', 'reader.east.db': 'east.cluster-ro' });
  db.writer = 'east.cluster';
  db.unreachable.clear();
});

async function call(method: string, path: string, options: { vantage?: string; timeoutMs?: number } = {}) {
  const response = await fetch(`${app.url}${path}`, {
    method,
    body: method === 'POST' ? '{"user":"ada"}' : undefined,
    headers: options.vantage ? { 'x-fcp-vantage': options.vantage } : {},
    signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
  });
  return { status: response.status, region: response.headers.get('x-fcp-region'), body: (await response.json()) as Record<string, unknown> };
}

async function until(check: () => Promise<boolean>, what: string) {
  const deadline = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const refused = () => call('GET', '/health', { timeoutMs: 1000 }).then(() => false, (error: Error) => (error.cause as { code?: string })?.code === 'ECONNREFUSED');

describe('RegionApp', () => {
  it('writes through the writer name and reads through the reader name, naming the region', async () => {
    const created = await call('POST', '/session');
    expect(created).toMatchObject({ status: 201, region: 'us-east-1' });
    const read = await call('GET', `/session/${String(created.body.id)}`);
    expect(read).toMatchObject({ status: 200, region: 'us-east-1', body: { session: { data: '{"user":"ada"}', region: 'us-east-1' } } });
    expect((await call('GET', '/session/nope')).status).toBe(404);
    expect(await call('GET', '/health')).toMatchObject({ status: 200, body: { status: 'ok', reader: 'east.cluster-ro' } });
  });

  it('refuses writes with a read-only reason when the writer name points at a cluster that is not the writer', async () => {
    db.writer = 'west.cluster';
    const response = await call('POST', '/session');
    expect(response.status).toBe(503);
    expect(response.body.error).toMatch(/^read-only: east\.cluster is not the writer/);
  });

  it.each([
    { what: 'an unreachable reader', setup: () => db.unreachable.add('east.cluster-ro'), error: /reader east\.cluster-ro unreachable/ },
    { what: 'a reader name that does not resolve', setup: () => delete cnames['reader.east.db'], error: /cannot resolve reader\.east\.db/ },
  ])('fails its health check with $what', async ({ setup, error }) => {
    setup();
    const response = await call('GET', '/health');
    expect(response.status).toBe(503);
    expect(response.body.error).toMatch(error);
  });

  it.each([
    { fault: { kind: 'app-5xx', region: 'us-east-1' }, status: 503 },
    { fault: { kind: 'app-5xx', status: 500 }, status: 500 },
    { fault: { kind: 'app-429' }, status: 429 },
  ])('answers $status under $fault.kind', async ({ fault, status }) => {
    faults.add(fault);
    expect(await call('GET', '/health')).toMatchObject({ status, region: 'us-east-1' });
    faults.clear();
    expect((await call('GET', '/health')).status).toBe(200);
  });

  it('adds injected latency', async () => {
    faults.add({ kind: 'app-latency', latency: '150ms' });
    const started = performance.now();
    expect((await call('GET', '/health')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it.each([{ kind: 'region-hang', region: 'us-east-1' }, { kind: 'dependency-hang' }])('accepts and never answers under $kind', async (fault) => {
    faults.add(fault);
    const error = await call('GET', '/health', { timeoutMs: 300 }).catch((e: unknown) => e);
    expect((error as Error).name).toBe('TimeoutError');
    faults.clear();
    expect((await call('GET', '/health')).status).toBe(200);
  });

  it('ignores faults for other regions', async () => {
    faults.add({ kind: 'region-hang', region: 'us-west-2' });
    faults.add({ kind: 'app-429', region: 'us-west-2' });
    expect((await call('GET', '/health')).status).toBe(200);
  });

  it('drops connections from a cut vantage point only', async () => {
    faults.add({ kind: 'vantage-cut', vantage: 'us-west-2', region: 'us-east-1' });
    const error = await call('GET', '/health', { vantage: 'us-west-2' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError); // fetch failed: the socket was destroyed
    expect((await call('GET', '/health', { vantage: 'eu-west-1' })).status).toBe(200);
  });

  it('refuses connections while its region is down, then listens again on the same port', async () => {
    const url = app.url;
    faults.add({ kind: 'region-down', region: 'us-east-1' });
    await until(refused, 'connection refused');
    expect(app.listening).toBe(false);
    faults.clear();
    await until(async () => !(await refused()), 'the app to listen again');
    expect(app.url).toBe(url);
  });
});
