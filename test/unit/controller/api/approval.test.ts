import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApprovalRequest } from '../../../../controller/store/api-records.js';
import { bearer, newKey, sandboxConfig, startApiFixture, TOKENS, type ApiFixture, type ApiHarness } from './fixture.js';

let fixture: ApiFixture;
beforeAll(async () => {
  fixture = await startApiFixture();
});
afterAll(async () => {
  await fixture.close();
});

const twoPerson = () => sandboxConfig((c) => void (c.failover = { ...c.failover, approval: { required: true, window: '5m' } }));

const post = (api: ApiHarness, url: string, token: string, payload: object) =>
  api.app.inject({ method: 'POST', url, headers: { ...bearer(token), 'idempotency-key': newKey() }, payload });

async function requestFailover(api: ApiHarness, token: string = TOKENS.operator): Promise<ApprovalRequest> {
  const response = await post(api, '/v1/failover', token, { to: 'us-west-2', reason: 'us-east-1 errors, INC-1' });
  expect(response.statusCode).toBe(202);
  return response.json<{ request: ApprovalRequest }>().request;
}

describe('two-person rule', () => {
  it('a failover becomes a pending request; nothing is queued until a different approver approves', async () => {
    const api = await fixture.build({ config: twoPerson() });
    const request = await requestFailover(api);
    expect(request).toMatchObject({ status: 'pending', requestedBy: 'demo-operator', command: { kind: 'failover', to: 'us-west-2' } });
    expect(await api.store.commands.listOpen()).toEqual([]);

    const approved = await post(api, `/v1/requests/${request.id}/approve`, TOKENS.approver, { note: 'confirmed on the bridge' });
    expect(approved.statusCode).toBe(202);
    expect(approved.json()).toMatchObject({ request: { status: 'approved', decidedBy: 'demo-approver' }, command: { status: 'pending' } });
    const queued = await api.store.commands.get(request.command.id);
    expect(queued?.command).toMatchObject({ kind: 'failover', to: 'us-west-2', actor: 'demo-operator (approved by demo-approver)' });

    const listed = await api.app.inject({ method: 'GET', url: '/v1/requests', headers: bearer(TOKENS.viewer) });
    expect(listed.json<{ requests: { id: string; state: string }[] }>().requests).toContainEqual(expect.objectContaining({ id: request.id, state: 'approved' }));
  });

  it('the requester cannot approve their own request (403), and it stays pending', async () => {
    const api = await fixture.build({ config: twoPerson() });
    const request = await requestFailover(api, TOKENS.approver);
    const response = await post(api, `/v1/requests/${request.id}/approve`, TOKENS.approver, {});
    expect(response.statusCode).toBe(403);
    expect((await api.store.requests.get(request.id))?.status).toBe('pending');
    expect(await api.store.commands.listOpen()).toEqual([]);
    // Another approver can.
    expect((await post(api, `/v1/requests/${request.id}/approve`, TOKENS.approver2, {})).statusCode).toBe(202);
  });

  it('an expired request cannot be approved (409), and nothing is queued', async () => {
    const api = await fixture.build({ config: twoPerson() });
    const request = await requestFailover(api);
    api.clock.now = request.expiresAt + 1;
    const response = await post(api, `/v1/requests/${request.id}/approve`, TOKENS.approver, {});
    expect(response.statusCode).toBe(409);
    expect(response.json<{ error: string }>().error).toMatch(/expired/);
    expect(await api.store.commands.listOpen()).toEqual([]);
  });

  it('a rejection is recorded and the request can no longer be approved', async () => {
    const api = await fixture.build({ config: twoPerson() });
    const request = await requestFailover(api);
    const rejected = await post(api, `/v1/requests/${request.id}/reject`, TOKENS.approver, { reason: 'not a regional outage' });
    expect(rejected.statusCode).toBe(200);
    expect(await api.store.requests.get(request.id)).toMatchObject({ status: 'rejected', decidedBy: 'demo-approver', note: 'not a regional outage' });
    expect((await post(api, `/v1/requests/${request.id}/approve`, TOKENS.approver2, {})).statusCode).toBe(409);
    expect(await api.store.commands.listOpen()).toEqual([]);
  });

  it('off (the sandbox default): a failover is queued at once', async () => {
    const api = await fixture.build();
    const response = await post(api, '/v1/switchover', TOKENS.operator, { to: 'us-west-2', reason: 'game day' });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toMatchObject({ command: { status: 'pending', command: { kind: 'switchover', actor: 'demo-operator' } } });
  });
});

describe('audit of mutating calls', () => {
  it('records accepted calls before they act and their effect after, refused ones (403, 400, 409) with the reason, and nothing of anonymous callers', async () => {
    const api = await fixture.build({ config: twoPerson() });
    const request = await requestFailover(api);
    await api.app.inject({ method: 'POST', url: '/v1/pause', headers: { 'idempotency-key': newKey() }, payload: { reason: 'x' } });
    await post(api, '/v1/resume', TOKENS.viewer, { reason: 'x' });
    await post(api, '/v1/failback', TOKENS.operator, { reason: '' });
    await post(api, `/v1/requests/${request.id}/approve`, TOKENS.operator, {});
    await post(api, `/v1/requests/${request.id}/reject`, TOKENS.approver, { reason: 'no' });
    await post(api, `/v1/requests/${request.id}/approve`, TOKENS.approver, {});
    const records = (await api.store.audit.readAll()).map((r) => ({ actor: r.actor, action: r.action, phase: r.phase, status: r.details.status }));
    expect(records).toEqual([
      { actor: 'demo-operator', action: 'api/failover', phase: 'intent', status: undefined },
      { actor: 'demo-operator', action: 'api/failover', phase: 'result', status: 202 },
      { actor: 'demo-viewer', action: 'api/resume', phase: 'refused', status: 403 },
      { actor: 'demo-operator', action: 'api/failback', phase: 'refused', status: 400 },
      { actor: 'demo-operator', action: 'api/requests/:id/approve', phase: 'refused', status: 403 },
      { actor: 'demo-approver', action: 'api/requests/:id/reject', phase: 'intent', status: undefined },
      { actor: 'demo-approver', action: 'api/requests/:id/reject', phase: 'result', status: 200 },
      { actor: 'demo-approver', action: 'api/requests/:id/approve', phase: 'intent', status: undefined },
      { actor: 'demo-approver', action: 'api/requests/:id/approve', phase: 'refused', status: 409 },
    ]);
    expect((await api.store.audit.verify()).ok).toBe(true);
    const audit = await api.app.inject({ method: 'GET', url: '/v1/audit?limit=2', headers: bearer(TOKENS.viewer) });
    expect(audit.json<{ records: { seq: number }[] }>().records.map((r) => r.seq)).toEqual([9, 8]);
  });
});
