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
