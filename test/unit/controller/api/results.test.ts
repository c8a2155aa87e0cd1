import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../../../controller/store/state-store.js';
import { bearer, newKey, startApiFixture, TOKENS, twoPersonConfig, type ApiFixture, type ApiHarness } from './fixture.js';

let fixture: ApiFixture;
beforeAll(async () => {
  fixture = await startApiFixture();
});
afterAll(async () => {
  await fixture.close();
});

const post = (api: ApiHarness, url: string, token: string, payload: object, key = newKey()) =>
  api.app.inject({ method: 'POST', url, headers: { ...bearer(token), 'idempotency-key': key }, payload });

const phases = (records: AuditRecord[]) => records.map((r) => `${r.action} ${r.phase}`);

describe('the effect of a mutating call is on the record', () => {
  it('a request, its approval and its rejection each leave an intent and then a result naming what it did', async () => {
    const api = await fixture.build({ config: twoPersonConfig() });
    const asked = await post(api, '/v1/switchover', TOKENS.operator, { to: 'us-west-2', reason: 'game day' });
    const id = asked.json<{ request: { id: string } }>().request.id;
    await post(api, `/v1/requests/${id}/approve`, TOKENS.approver, { note: 'on the bridge' });
    const records = await api.store.audit.readAll();
    expect(phases(records)).toEqual(['api/switchover intent', 'api/switchover result', 'api/requests/:id/approve intent', 'api/requests/:id/approve result']);
    expect(records[1]).toMatchObject({ actor: 'demo-operator', details: { status: 202, request: { id, status: 'pending' }, outcome: `202: request ${id} pending` } });
    expect(records[3]).toMatchObject({
      actor: 'demo-approver',
      details: { status: 202, request: { id, status: 'approved', decidedBy: 'demo-approver' }, command: { id, kind: 'switchover', status: 'pending' } },
    });
    expect(records[3]!.details.outcome).toBe(`202: request ${id} approved by demo-approver; command ${id} (switchover) pending`);
    // Each result follows its own intent: the same call's key ties them.
    expect(records[3]!.details.idempotencyKey).toBe(records[2]!.details.idempotencyKey);

    const other = await post(api, '/v1/failover', TOKENS.operator, { to: 'us-west-2', reason: 'second thoughts' });
    const otherId = other.json<{ request: { id: string } }>().request.id;
    await post(api, `/v1/requests/${otherId}/reject`, TOKENS.approver, { reason: 'not a regional outage' });
    const [rejection] = await api.store.audit.list({ limit: 1 });
    expect(rejection).toMatchObject({ action: 'api/requests/:id/reject', phase: 'result', details: { status: 200, request: { id: otherId, status: 'rejected', decidedBy: 'demo-approver' } } });
    expect((await api.store.audit.verify()).ok).toBe(true);
  });

  it('a direct command leaves its result; a replay of the call leaves nothing more; a refused call leaves no result', async () => {
    const api = await fixture.build();
    const key = newKey();
    const first = await post(api, '/v1/pause', TOKENS.operator, { reason: 'maintenance' }, key);
    await post(api, '/v1/pause', TOKENS.operator, { reason: 'maintenance' }, key);
    await post(api, '/v1/switchover', TOKENS.operator, { to: 'ap-south-1', reason: 'x' });
    const id = first.json<{ command: { command: { id: string } } }>().command.command.id;
    const records = await api.store.audit.readAll();
    expect(phases(records)).toEqual(['api/pause intent', 'api/pause result', 'api/switchover intent', 'api/switchover refused']);
    expect(records[1]!.details).toMatchObject({ status: 202, command: { id, kind: 'pause', status: 'pending' }, outcome: `202: command ${id} (pause) pending` });
  });
});
