import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, newKey, startApiFixture, twoPersonConfig, TOKENS, type ApiFixture } from './fixture.js';

let fixture: ApiFixture;
beforeAll(async () => {
  fixture = await startApiFixture();
});
afterAll(async () => {
  await fixture.close();
});

describe('operator text', () => {
  const forged = 'INC-1\u001b[2K\r#99 2030-01-01T00:00:00.000Z demo-approver api/requests/:id/approve intent: approved';
  it.each([
    { route: '/v1/pause', payload: { reason: forged }, field: 'reason', problem: /U\+001B/ },
    { route: '/v1/failover', payload: { to: 'us-west-2', reason: 'a\nforged line' }, field: 'reason', problem: /U\+000A/ },
    { route: '/v1/switchover', payload: { to: 'us-west-2', reason: 'ok\u0000' }, field: 'reason', problem: /U\+0000/ },
    { route: '/v1/failback', payload: { reason: 'approved \u202Edesrever' }, field: 'reason', problem: /U\+202E/ },
    { route: '/v1/resume', payload: { reason: '\u200b\u200b\u200b' }, field: 'reason', problem: /nothing visible/ },
    { route: '/v1/pause', payload: { reason: '  \u200d\ufeff ' }, field: 'reason', problem: /nothing visible/ },
    { route: '/v1/failover', payload: { to: 'us-west-2\u001b[8m', reason: 'x' }, field: 'to', problem: /U\+001B/ },
  ])('$field with $problem on $route: 400 naming the field, nothing queued, the text never stored', async ({ route, payload, field, problem }) => {
    const api = await fixture.build();
    const response = await api.app.inject({ method: 'POST', url: route, headers: { ...bearer(TOKENS.operator), 'idempotency-key': newKey() }, payload });
    expect(response.statusCode).toBe(400);
    const problems = response.json<{ problems: string[] }>().problems;
    expect(problems.some((p) => p.startsWith(`${field}: `) && problem.test(p))).toBe(true);
    expect(await api.store.commands.listOpen()).toEqual([]);
    expect(await api.store.requests.list()).toEqual([]);
    const records = await api.store.audit.readAll();
    expect(records.map((r) => [r.actor, r.phase, r.details.status])).toEqual([['demo-operator', 'refused', 400]]);
    // The refusal names the field and the character; the submitted text itself is kept nowhere.
    const submitted = (payload as Record<string, string>)[field]!;
    expect(JSON.stringify(records)).not.toContain(JSON.stringify(submitted).slice(1, -1));
  });

  it('an approver\'s note may span lines but carries no control characters; a rejection needs a visible reason', async () => {
    const api = await fixture.build({ config: twoPersonConfig() });
    const requested = await api.app.inject({ method: 'POST', url: '/v1/failover', headers: { ...bearer(TOKENS.operator), 'idempotency-key': newKey() }, payload: { to: 'us-west-2', reason: 'INC-2' } });
    const id = requested.json<{ request: { id: string } }>().request.id;
    const decide = (verb: string, payload: object) => api.app.inject({ method: 'POST', url: `/v1/requests/${id}/${verb}`, headers: { ...bearer(TOKENS.approver), 'idempotency-key': newKey() }, payload });
    const badNote = await decide('approve', { note: 'fine\u001b[1A\u001b[2Kforged' });
    expect(badNote.statusCode).toBe(400);
    expect(badNote.json<{ problems: string[] }>().problems[0]).toMatch(/^note: contains the control character U\+001B/);
    const blankRejection = await decide('reject', { reason: '\u2060' });
    expect(blankRejection.statusCode).toBe(400);
    expect(blankRejection.json<{ problems: string[] }>().problems[0]).toMatch(/^reason: has nothing visible/);
    expect((await api.store.requests.get(id))?.status).toBe('pending');
    const approved = await decide('approve', { note: 'confirmed on the bridge\nby two people' });
    expect(approved.statusCode).toBe(202);
  });
});

describe('security headers', () => {
  const expectSecurityHeaders = (headers: Record<string, unknown>, what: string) => {
    const policy = String(headers['content-security-policy'] ?? '');
    const directives = new Map(policy.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
    expect(directives.get('frame-ancestors'), what).toEqual(["'none'"]);
    expect(directives.get('script-src'), what).toEqual(["'self'"]);
    expect(directives.get('default-src'), what).toEqual(["'none'"]);
    expect(headers['x-content-type-options'], what).toBe('nosniff');
    expect(headers['referrer-policy'], what).toBe('no-referrer');
  };

  it('come with every answer: dashboard files, reads, refusals, probes, metrics and unknown routes', async () => {
    const api = await fixture.build();
    const calls = [
      { method: 'GET', url: '/' },
      { method: 'GET', url: '/assets/app.js' },
      { method: 'GET', url: '/assets/missing.js' },
      { method: 'GET', url: '/v1/status', headers: bearer(TOKENS.viewer) },
      { method: 'GET', url: '/v1/status' },
      { method: 'POST', url: '/v1/pause', headers: { ...bearer(TOKENS.operator), 'content-type': 'text/plain' }, payload: 'x' },
      { method: 'GET', url: '/healthz' },
      { method: 'GET', url: '/metrics' },
      { method: 'GET', url: '/v1/openapi.json' },
      { method: 'GET', url: '/nothing-here' },
    ] as const;
    for (const call of calls) {
      const response = await api.app.inject(call);
      expectSecurityHeaders(response.headers, `${call.method} ${call.url} (${response.statusCode})`);
    }
  });

  it('come with the event stream too', async () => {
    const api = await fixture.build();
    const url = await api.app.listen({ host: '127.0.0.1', port: 0 });
    const abort = new AbortController();
    const response = await fetch(`${url}/v1/events`, { headers: bearer(TOKENS.viewer), signal: abort.signal });
    expectSecurityHeaders(Object.fromEntries(response.headers), 'GET /v1/events');
    abort.abort();
  });
});
