import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeRecord } from '../../../../controller/store/api-records.js';
import type { Snapshot } from '../../../../controller/status.js';
import { renderSnapshot } from '../../../../controller/status.js';
import { bearer, newKey, publishHealth, startApiFixture, TOKENS, type ApiFixture, type ApiHarness } from './fixture.js';

/** Infrastructure changes are events the controller knows: registered by rollouts, named when a region fails. */

let fixture: ApiFixture;
beforeAll(async () => {
  fixture = await startApiFixture();
});
afterAll(async () => {
  await fixture.close();
});

const post = (api: ApiHarness, url: string, payload: unknown, token: string = TOKENS.operator) =>
  api.app.inject({ method: 'POST', url, headers: { ...bearer(token), 'idempotency-key': newKey() }, payload: payload as object });
const get = (api: ApiHarness, url: string) => api.app.inject({ method: 'GET', url, headers: bearer(TOKENS.viewer) });

const CHANGE = { stack: 'prod-eu-west-1', regions: ['eu-west-1'], commit: 'abc1234def5678', pr: 42, rollout: 'r-1' };

describe('POST /v1/changes and /v1/changes/:id/finish', () => {
  it('an operator registers a change and its end; both are audited with what they did', async () => {
    const api = await fixture.build();
    const started = await post(api, '/v1/changes', CHANGE);
    expect(started.statusCode, started.body).toBe(201);
    const { change } = started.json<{ change: ChangeRecord }>();
    expect(change).toMatchObject({ ...CHANGE, startedAt: api.clock.now, startedBy: 'demo-operator' });

    api.clock.now += 30_000;
    const finished = await post(api, `/v1/changes/${change.id}/finish`, { outcome: 'applied' });
    expect(finished.statusCode, finished.body).toBe(200);
    expect(finished.json()).toMatchObject({ change: { id: change.id, outcome: 'applied', finishedAt: api.clock.now } });

    const listed = await get(api, '/v1/changes');
    expect(listed.json<{ changes: ChangeRecord[] }>().changes.map((c) => c.id)).toContain(change.id);

    const records = (await api.store.audit.readAll()).filter((r) => r.action.startsWith('api/changes'));
    expect(records.map((r) => `${r.action} ${r.phase}`)).toEqual(['api/changes intent', 'api/changes result', 'api/changes/:id/finish intent', 'api/changes/:id/finish result']);
    expect(records[1]?.details.outcome).toBe(`201: change ${change.id} (abc1234, stack prod-eu-west-1) started`);
    expect(records[3]?.details.outcome).toBe(`200: change ${change.id} (abc1234, stack prod-eu-west-1) applied`);
  });

  it('refuses a second finish (409) and an unknown change (404)', async () => {
    const api = await fixture.build();
    const { change } = (await post(api, '/v1/changes', CHANGE)).json<{ change: ChangeRecord }>();
    expect((await post(api, `/v1/changes/${change.id}/finish`, { outcome: 'failed' })).statusCode).toBe(200);
    const again = await post(api, `/v1/changes/${change.id}/finish`, { outcome: 'applied' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: `change ${change.id} has already finished` });
    expect((await post(api, '/v1/changes/chg-000000000000001-00000000/finish', { outcome: 'applied' })).statusCode).toBe(404);
  });

  it.each([
    { name: 'an unknown region', body: { ...CHANGE, regions: ['eu-west-1', 'ap-south-1'] }, problem: /^regions\[1\]: "ap-south-1" is not one of the configured regions/ },
    { name: 'no regions', body: { ...CHANGE, regions: [] }, problem: /^regions: name the regions the stack changes/ },
    { name: 'a commit that is not a sha', body: { ...CHANGE, commit: 'main' }, problem: /^commit: a git commit sha/ },
    { name: 'a stack name with spaces', body: { ...CHANGE, stack: 'prod east' }, problem: /^stack: a Pulumi stack name/ },
    { name: 'an unknown field', body: { ...CHANGE, region: 'eu-west-1' }, problem: /^region: unknown field/ },
  ])('$name: 400 naming the field, nothing stored', async ({ body, problem }) => {
    const api = await fixture.build();
    const response = await post(api, '/v1/changes', body);
    expect(response.statusCode).toBe(400);
    expect(response.json<{ problems: string[] }>().problems.some((p) => problem.test(p))).toBe(true);
    expect(await api.store.changes.listSince(0)).toEqual([]);
  });

  it('needs an operator: a viewer is refused (403)', async () => {
    const api = await fixture.build();
    expect((await post(api, '/v1/changes', CHANGE, TOKENS.viewer)).statusCode).toBe(403);
  });
});

describe('status names a recent change in a failing region', () => {
  it('in the verdicts, the decision and the text of fcp status', async () => {
    const api = await fixture.build();
    await post(api, '/v1/changes', CHANGE);
    api.clock.now += 120_000;
    await publishHealth(api, ['eu-west-1']);

    const snapshot = (await get(api, '/v1/status')).json<Snapshot>();
    expect(snapshot.assessment.verdicts['eu-west-1']?.health).toBe('failed');
    const note = 'eu-west-1 failing 2m after change abc1234 to eu-west-1 (stack prod-eu-west-1, PR #42, rollout r-1)';
    expect(snapshot.changeNotes).toEqual([{ region: 'eu-west-1', changeId: expect.stringMatching(/^chg-/), text: note }]);
    expect(snapshot.decision.reason).toBe(`no action: primary us-east-1 healthy; ${note}`);
    const text = renderSnapshot(snapshot);
    expect(text).toContain(`FAIL eu-west-1`);
    expect(text).toContain(`         ${note}`);
    expect(text).toMatch(/Recent infrastructure changes:\n {2}abc1234 prod-eu-west-1 -> eu-west-1: started 2m ago, applying \(PR #42\)/);
  });

  it('a global failure names the change to roll back', async () => {
    const api = await fixture.build();
    await post(api, '/v1/changes', { ...CHANGE, stack: 'prod-shared', regions: ['us-east-1', 'us-west-2', 'eu-west-1'] });
    api.clock.now += 45_000;
    await publishHealth(api, ['us-east-1', 'us-west-2', 'eu-west-1']);
    const snapshot = (await get(api, '/v1/status')).json<Snapshot>();
    expect(snapshot.assessment.classification).toBe('global');
    expect(snapshot.changeNotes.map((n) => n.text)).toEqual(['global failure began 45s after change abc1234 to us-east-1, us-west-2, eu-west-1 (stack prod-shared, PR #42, rollout r-1) started: roll back abc1234']);
    expect(snapshot.decision.reason).toContain('roll back abc1234');
  });
});
