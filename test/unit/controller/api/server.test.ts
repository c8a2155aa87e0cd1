import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, type RouteSpec } from '../../../../controller/api/routes.js';
import type { Role } from '../../../../controller/api/auth.js';
import { bearer, newKey, sandboxConfig, startApiFixture, TOKENS, type ApiFixture, type ApiHarness } from './fixture.js';

let fixture: ApiFixture;
let api: ApiHarness;
beforeAll(async () => {
  fixture = await startApiFixture();
  // The matrix makes many failed calls from one address: a limit it does not reach.
  api = await fixture.build({ config: sandboxConfig((c) => void (c.api = { ...c.api, authFailureLimit: 1000 })) });
});
afterAll(async () => {
  await fixture.close();
});

/** A valid call of each route, so that only the token decides the answer. */
function validCall(route: RouteSpec): { url: string; payload?: unknown } {
  const url = route.url.replace(':id', 'request-unknown').replace('*', 'app.js');
  const bodies: Record<string, unknown> = {
    '/v1/failover': { to: 'us-west-2', reason: 'matrix' },
    '/v1/switchover': { to: 'us-west-2', reason: 'matrix' },
    '/v1/failback': { reason: 'matrix' },
    '/v1/pause': { reason: 'matrix' },
    '/v1/resume': { reason: 'matrix' },
    '/v1/requests/:id/approve': {},
    '/v1/requests/:id/reject': { reason: 'matrix' },
  };
  if (route.url === '/v1/plan') return { url: '/v1/plan?to=us-west-2' };
  return route.method === 'POST' ? { url, payload: bodies[route.url] } : { url };
}

const CALLERS: { who: string; token?: string; role?: Role }[] = [
  { who: 'no token' },
  { who: 'a wrong token', token: 'not-a-token' },
  { who: 'a viewer', token: TOKENS.viewer, role: 'viewer' },
  { who: 'an operator', token: TOKENS.operator, role: 'operator' },
  { who: 'an approver', token: TOKENS.approver, role: 'approver' },
];
const RANK: Record<Role, number> = { viewer: 0, operator: 1, approver: 2 };

const matrix = ROUTES.filter((r) => r.url !== '/v1/events').flatMap((route) => CALLERS.map((caller) => ({ route, caller })));

describe('authentication and roles', () => {
  it.each(matrix.map(({ route, caller }) => [`${route.method} ${route.url}`, caller.who, route, caller] as const))('%s with %s', async (_name, _who, route, caller) => {
    const call = validCall(route);
    const response = await api.app.inject({
      method: route.method,
      url: call.url,
      headers: { ...(caller.token && bearer(caller.token)), ...(route.mutating && { 'idempotency-key': newKey() }) },
      ...(call.payload !== undefined && { payload: call.payload as object }),
    });
    if (!route.role) expect(response.statusCode).toBe(200);
    else if (!caller.role) expect(response.statusCode).toBe(401);
    else if (RANK[caller.role] < RANK[route.role]) expect(response.statusCode).toBe(403);
    // Allowed: an answer about the call itself (an unknown request id is 404), never about the token.
    else expect([200, 202, 404]).toContain(response.statusCode);
  });

  it('refuses with 401 and asks for a bearer token', async () => {
    const response = await api.app.inject({ method: 'GET', url: '/v1/status', headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.json()).toMatchObject({ error: 'the bearer token is not valid' });
  });
});

describe('rate limit on failed authentication', () => {
  it('answers 429 per address after the configured failures, even with a good token, until the window ends', async () => {
    const limited = await fixture.build({ config: sandboxConfig((c) => void (c.api = { ...c.api, authFailureLimit: 3, authFailureWindow: '10s' })) });
    const get = (token: string, remoteAddress = '127.0.0.9') => limited.app.inject({ method: 'GET', url: '/v1/status', remoteAddress, headers: bearer(token) });
    for (let i = 0; i < 3; i++) expect((await get('guess')).statusCode).toBe(401);
    const refused = await get(TOKENS.viewer);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await get(TOKENS.viewer, '127.0.0.10')).statusCode).toBe(200);
    limited.clock.now += 10_000;
    expect((await get(TOKENS.viewer)).statusCode).toBe(200);
  });
});

describe('bad input', () => {
  const cases = [
    { name: 'malformed JSON', payload: '{"reason": ', problem: /body: not valid JSON/ },
    { name: 'an unknown field', payload: JSON.stringify({ reason: 'x', extra: 1 }), problem: /extra: unknown field/ },
    { name: 'a wrong type', payload: JSON.stringify({ reason: 42 }), problem: /^reason: / },
    { name: 'a missing field', payload: JSON.stringify({}), problem: /^reason: / },
  ];
  it.each(cases)('$name: 400 naming the field, nothing queued, refusal audited', async ({ payload, problem }) => {
    const harness = await fixture.build();
    const response = await harness.app.inject({ method: 'POST', url: '/v1/pause', headers: { ...bearer(TOKENS.operator), 'idempotency-key': newKey(), 'content-type': 'application/json' }, payload });
    expect(response.statusCode).toBe(400);
    const body = response.json<{ problems: string[] }>();
    expect(body.problems.some((p) => problem.test(p))).toBe(true);
    expect(await harness.store.commands.listOpen()).toEqual([]);
    const [record] = await harness.store.audit.list({ limit: 1 });
    expect(record).toMatchObject({ action: 'api/pause', phase: 'refused', actor: 'demo-operator', details: { status: 400 } });
  });

  it('a region that is not configured: 400 naming "to"', async () => {
    const response = await api.app.inject({ method: 'POST', url: '/v1/failover', headers: { ...bearer(TOKENS.operator), 'idempotency-key': newKey() }, payload: { to: 'ap-south-1', reason: 'x' } });
    expect(response.statusCode).toBe(400);
    expect(response.json<{ problems: string[] }>().problems[0]).toMatch(/^to: "ap-south-1" is not one of the configured regions/);
  });

  it('a mutating call without an Idempotency-Key: 400, nothing queued', async () => {
    const harness = await fixture.build();
    const response = await harness.app.inject({ method: 'POST', url: '/v1/pause', headers: bearer(TOKENS.operator), payload: { reason: 'x' } });
    expect(response.statusCode).toBe(400);
    expect(response.json<{ problems: string[] }>().problems[0]).toMatch(/^Idempotency-Key:/);
    expect(await harness.store.commands.listOpen()).toEqual([]);
  });

  it('bad query parameters: 400 naming the parameter', async () => {
    const response = await api.app.inject({ method: 'GET', url: '/v1/audit?limit=zero', headers: bearer(TOKENS.viewer) });
    expect(response.statusCode).toBe(400);
    expect(response.json<{ problems: string[] }>().problems[0]).toMatch(/^limit:/);
  });
});

describe('idempotency', () => {
  it('a repeated key returns the first answer and queues the command once, from any replica', async () => {
    const harness = await fixture.build();
    const other = await fixture.build({ store: harness.store });
    const key = newKey();
    const call = (app = harness.app) => app.inject({ method: 'POST', url: '/v1/pause', headers: { ...bearer(TOKENS.operator), 'idempotency-key': key }, payload: { reason: 'maintenance' } });
    const first = await call();
    expect(first.statusCode).toBe(202);
    const again = await call();
    const elsewhere = await call(other.app);
    for (const replay of [again, elsewhere]) {
      expect(replay.statusCode).toBe(202);
      expect(replay.json()).toEqual(first.json());
      expect(replay.headers['idempotent-replayed']).toBe('true');
    }
    expect(await harness.store.commands.listOpen()).toHaveLength(1);
  });

  it('a key is replayed for api.idempotencyTtl after its first call, and after that is a new call', async () => {
    const harness = await fixture.build({ config: sandboxConfig((c) => void (c.api = { ...c.api, idempotencyTtl: '10m' })) });
    const key = newKey();
    const call = () => harness.app.inject({ method: 'POST', url: '/v1/pause', headers: { ...bearer(TOKENS.operator), 'idempotency-key': key }, payload: { reason: 'maintenance' } });
    const first = await call();
    harness.clock.now += 10 * 60_000 - 1000;
    const replayed = await call();
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(replayed.json()).toEqual(first.json());
    harness.clock.now += 1000;
    const again = await call();
    expect(again.statusCode).toBe(202);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    expect(again.json<{ command: { command: { id: string } } }>().command.command.id).not.toBe(first.json<{ command: { command: { id: string } } }>().command.command.id);
  });

  it('the same key for a different call is refused (422)', async () => {
    const key = newKey();
    const call = (reason: string) => api.app.inject({ method: 'POST', url: '/v1/pause', headers: { ...bearer(TOKENS.operator), 'idempotency-key': key }, payload: { reason } });
    expect((await call('one')).statusCode).toBe(202);
    expect((await call('two')).statusCode).toBe(422);
  });
});

describe('reads', () => {
  it('status answers with the snapshot and this replica', async () => {
    const response = await api.app.inject({ method: 'GET', url: '/v1/status', headers: bearer(TOKENS.viewer) });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ topology: { primary: 'us-east-1' }, replica: { region: 'us-east-1', holder: true } });
  });

  it('plan shows the decision for a target region without changing anything', async () => {
    const response = await api.app.inject({ method: 'GET', url: '/v1/plan?to=us-west-2&kind=switchover', headers: bearer(TOKENS.viewer) });
    expect(response.statusCode).toBe(200);
    const body = response.json<{ decision: { kind: string }; text: string }>();
    expect(['flip', 'refuse', 'none']).toContain(body.decision.kind);
    expect(body.text.length).toBeGreaterThan(0);
  });

  it('readyz is 503 when a readiness condition is false; healthz stays 200', async () => {
    const harness = await fixture.build();
    harness.replica.status().conditions.push({ type: 'TargetHealthy', status: 'false', reason: 'down', message: 'us-west-2 is down', at: 0 });
    expect((await harness.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
    expect((await harness.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('serves the dashboard files and 404s for anything else, never outside its folder', async () => {
    expect((await api.app.inject({ method: 'GET', url: '/' })).body).toContain('<title>fcp</title>');
    const script = await api.app.inject({ method: 'GET', url: '/assets/app.js' });
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    for (const url of ['/assets/missing.js', '/assets/..%2f..%2fpackage.json', '/assets/../../package.json']) {
      expect((await api.app.inject({ method: 'GET', url })).statusCode).toBe(404);
    }
  });

  it('unknown routes are 404', async () => {
    expect((await api.app.inject({ method: 'GET', url: '/v1/nothing' })).statusCode).toBe(404);
  });
});
