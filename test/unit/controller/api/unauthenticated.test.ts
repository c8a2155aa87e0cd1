import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../../controller/api/auth.js';
import { storeAt } from '../store/fixture.js';
import { bearer, newKey, sandboxConfig, startApiFixture, TOKENS, type ApiFixture, type ApiHarness } from './fixture.js';

let fixture: ApiFixture;
beforeAll(async () => {
  fixture = await startApiFixture();
});
afterAll(async () => {
  await fixture.close();
});

const limited = (limit: number, tokens: object[] = []) =>
  sandboxConfig((c) => void (c.api = { ...c.api, authFailureLimit: limit, authFailureWindow: '10s', tokens: [...(c.api?.tokens ?? []), ...tokens] as never }));

async function refusalCounts(api: ApiHarness): Promise<Record<string, number>> {
  const metric = await api.metrics.registry.getSingleMetric('fcp_api_unauthenticated_refusals_total')!.get();
  return Object.fromEntries(metric.values.map((v) => [`${v.labels.route} ${v.labels.reason}`, v.value]));
}

const refusalLines = (api: ApiHarness) =>
  api.logs.map((line) => JSON.parse(line) as { msg: string; heldBack?: number; route?: string; reason?: string }).filter((line) => line.msg.startsWith('refused an unauthenticated call'));

const failover = (api: ApiHarness, headers: Record<string, string>, remoteAddress: string, payload: string | object = { to: 'us-west-2', reason: 'x' }) =>
  api.app.inject({ method: 'POST', url: '/v1/failover', remoteAddress, headers: { 'idempotency-key': newKey(), ...headers }, payload });

describe('refusals of callers nobody identified never reach the audit chain', () => {
  it('many refused calls from rotating addresses leave the chain untouched and show in metrics and a few log lines', async () => {
    const expiredToken = { name: 'former-operator', role: 'operator', sha256: sha256Hex('expired-demo'), notAfter: '2020-01-01T00:00:00Z' };
    const api = await fixture.build({ config: limited(3, [expiredToken]) });
    const statuses = new Map<number, number>();
    for (let i = 0; i < 40; i++) {
      const address = `10.1.${Math.floor(i / 8)}.${i % 8}`;
      for (const headers of [{}, bearer(`guess-${i}`), bearer('expired-demo'), bearer(`guess-${i}-2`)]) {
        const response = await failover(api, headers, address);
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
      }
    }
    // Three failures per address, then the fourth call of each is past the limit.
    expect(Object.fromEntries(statuses)).toEqual({ 401: 120, 429: 40 });
    expect(await api.store.audit.readAll()).toEqual([]);
    expect(await api.store.commands.listOpen()).toEqual([]);
    expect(await refusalCounts(api)).toEqual({ '/v1/failover no-token': 40, '/v1/failover bad-token': 40, '/v1/failover expired-token': 40, '/v1/failover rate-limited': 40 });
    // One line per route and reason in the interval; the next one says how many it held back.
    expect(refusalLines(api).map((l) => `${l.reason} ${l.heldBack}`)).toEqual(['no-token 0', 'bad-token 0', 'expired-token 0', 'rate-limited 0']);
    api.clock.now += 60_000;
    await failover(api, {}, '10.2.0.1');
    expect(refusalLines(api).at(-1)).toMatchObject({ reason: 'no-token', heldBack: 39 });
  });

  it('an expired token is refused with 401 saying so, and counts as a failed authentication', async () => {
    const notAfter = '2023-11-14T22:13:20Z'; // where the harness clock starts
    const api = await fixture.build({ config: limited(2, [{ name: 'temp', role: 'viewer', sha256: sha256Hex('temp-demo'), notAfter }]) });
    api.clock.now = Date.parse(notAfter);
    expect((await api.app.inject({ method: 'GET', url: '/v1/status', headers: bearer('temp-demo') })).statusCode).toBe(200);
    api.clock.now += 1;
    const expired = await api.app.inject({ method: 'GET', url: '/v1/status', headers: bearer('temp-demo') });
    expect(expired.statusCode).toBe(401);
    expect(expired.json()).toMatchObject({ error: 'the bearer token expired at 2023-11-14T22:13:20.000Z; ask for a new one' });
    expect(expired.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
    await api.app.inject({ method: 'GET', url: '/v1/status', headers: bearer('temp-demo') });
    expect((await api.app.inject({ method: 'GET', url: '/v1/status', headers: bearer(TOKENS.viewer) })).statusCode).toBe(429);
  });
});

describe('mutating routes take only JSON', () => {
  const forms = [
    { name: 'a cross-site text/plain POST', type: 'text/plain', payload: JSON.stringify({ to: 'us-west-2', reason: 'x' }) },
    { name: 'a cross-site form', type: 'application/x-www-form-urlencoded', payload: 'to=us-west-2&reason=x' },
    { name: 'a multipart form', type: 'multipart/form-data; boundary=b', payload: '--b\r\nContent-Disposition: form-data; name="to"\r\n\r\nus-west-2\r\n--b--\r\n' },
    { name: 'JSON under another name', type: 'application/jsonx', payload: JSON.stringify({ to: 'us-west-2', reason: 'x' }) },
  ];
  it.each(forms)('$name: 415 before authentication, nothing recorded, even with a good token', async ({ type, payload }) => {
    const api = await fixture.build({ config: limited(1) });
    const withToken = await failover(api, { ...bearer(TOKENS.operator), 'content-type': type }, '10.3.0.1', payload);
    expect(withToken.statusCode).toBe(415);
    expect(withToken.json<{ problems: string[] }>().problems[0]).toMatch(/^Content-Type: send "application\/json"/);
    const anonymous = await failover(api, { 'content-type': type }, '10.3.0.1', payload);
    expect(anonymous.statusCode).toBe(415);
    expect(await api.store.audit.readAll()).toEqual([]);
    expect(await api.store.commands.listOpen()).toEqual([]);
    expect(await refusalCounts(api)).toEqual({ '/v1/failover not-json': 2 });
    // Refused before authentication: it did not count against the address's failure limit.
    expect((await failover(api, bearer(TOKENS.operator), '10.3.0.1')).statusCode).toBe(202);
  });

  it('JSON with a charset is JSON', async () => {
    const api = await fixture.build();
    const response = await failover(api, { ...bearer(TOKENS.operator), 'content-type': 'Application/JSON; charset=utf-8' }, '10.3.0.2', JSON.stringify({ to: 'us-west-2', reason: 'x' }));
    expect(response.statusCode).toBe(202);
  });
});

describe('the failed-authentication limit is shared by every replica', () => {
  it('failures at two replicas count against one limit, which both then enforce', async () => {
    const one = await fixture.build({ config: limited(3) });
    const second = storeAt(fixture.store.dynamo.endpoint, one.store.namespace);
    try {
      const other = await fixture.build({ config: limited(3), store: second });
      const get = (api: ApiHarness, token: string) => api.app.inject({ method: 'GET', url: '/v1/status', remoteAddress: '10.4.0.1', headers: bearer(token) });
      expect((await get(one, 'guess-1')).statusCode).toBe(401);
      expect((await get(other, 'guess-2')).statusCode).toBe(401);
      expect((await get(one, 'guess-3')).statusCode).toBe(401);
      for (const api of [other, one]) expect((await get(api, TOKENS.viewer)).statusCode).toBe(429);
      // The window ends for both at once.
      one.clock.now += 10_000;
      other.clock.now += 10_000;
      for (const api of [other, one]) expect((await get(api, TOKENS.viewer)).statusCode).toBe(200);
    } finally {
      second.close();
    }
  });

  it('with the store unreachable, the replica\'s own count still limits (closed, not open), and says so once in the log', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = storeAt(`http://127.0.0.1:${port}`, 'unreachable', { connectTimeoutMs: 200, requestTimeoutMs: 500, callTimeoutMs: 1000 });
    try {
      const api = await fixture.build({ config: limited(2), store: unreachable });
      const get = (token: string) => api.app.inject({ method: 'GET', url: '/v1/status', remoteAddress: '10.5.0.1', headers: bearer(token) });
      expect((await get('guess-1')).statusCode).toBe(401);
      expect((await get('guess-2')).statusCode).toBe(401);
      expect((await get(TOKENS.viewer)).statusCode).toBe(429);
      expect((await get('guess-3')).statusCode).toBe(429);
      const storeLines = api.logs.filter((line) => line.includes('shared failed-authentication count is unreachable'));
      expect(storeLines).toHaveLength(1);
    } finally {
      unreachable.close();
    }
  });
});
