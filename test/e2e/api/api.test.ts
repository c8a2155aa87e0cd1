import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../controller/config/load.js';
import { baseConfig, fcp, holder, startHarness, steady, until, type Harness } from '../controller/deployment.js';

/** The API of a local deployment (three replicas on free ports), driven with the CLI's --api mode as an operator would. */

let h: Harness;
const urls = () => [...h.deployment.apiUrls.values()];

beforeAll(async () => {
  const base = baseConfig();
  // The two-person rule on, as in production.
  const config = parseConfig({ ...JSON.parse(JSON.stringify(base)), failover: { ...JSON.parse(JSON.stringify(base.failover)), approval: { required: true, window: 300_000 } } });
  h = await startHarness(config);
  await steady(h);
});
afterAll(async () => {
  await h?.close();
});

const as = (token: string, url = urls()[1]!) => ({ FCP_API: url, FCP_TOKEN: token });

/** One HTTP call from a chosen loopback source address (Linux routes all of 127/8 to loopback); resolves with the status. */
function callFrom(localAddress: string, url: string, options: { method: string; headers: Record<string, string>; body?: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method, headers: options.headers, localAddress, timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`${url} did not answer`)));
    req.end(options.body);
  });
}

describe('controller API of a local deployment', () => {
  it('every replica serves the API on a free port; probes and metrics need no token', async () => {
    expect(h.deployment.apiUrls.size).toBe(3);
    for (const url of urls()) {
      expect(new URL(url).port).not.toBe('7101');
      expect((await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) })).status).toBe(200);
      const metrics = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
      expect(metrics).toMatch(/^fcp_lease_holder\{.*\} [01]$/m);
      expect((await fetch(`${url}/v1/status`, { signal: AbortSignal.timeout(5000) })).status).toBe(401);
    }
    // The lease holder decides, so its verdicts are the ones exported.
    const holderMetrics = await (await fetch(`${h.deployment.apiUrls.get(holder(h)!.region)}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
    expect(holderMetrics).toMatch(/^fcp_region_verdict\{region="us-east-1",health="healthy".*\} 1$/m);
  });

  it('a switchover requested through one replica runs only after a different approver approves through another', async () => {
    const requested = await fcp(h, ['switchover', '--to', 'us-west-2', '--reason', 'game day', '--json'], as('operator-demo'));
    expect(requested.code, requested.stderr).toBe(0);
    const { request } = JSON.parse(requested.stdout) as { request: { id: string; status: string } };
    expect(request.status).toBe('pending');
    expect(await h.store.commands.listOpen()).toEqual([]);

    const listed = await fcp(h, ['requests'], as('viewer-demo', urls()[2]));
    expect(listed.stdout).toContain(request.id);

    const byOperator = await fcp(h, ['approve', request.id], as('operator-demo', urls()[2]));
    expect(byOperator.code).toBe(2);
    expect(byOperator.stderr).toMatch(/needs approver/);

    const approved = await fcp(h, ['approve', request.id, '--json'], as('approver-demo', urls()[0]));
    expect(approved.code, approved.stderr).toBe(0);
    expect(JSON.parse(approved.stdout)).toMatchObject({ status: 'succeeded' });

    await until('the new primary in the status', async () => {
      const status = await fcp(h, ['status', '--json'], as('viewer-demo'));
      return status.code === 0 && (JSON.parse(status.stdout) as { topology: { primary: string } }).topology.primary === 'us-west-2';
    });
    const audit = await fcp(h, ['audit', '--limit', '50', '--json'], as('viewer-demo'));
    const actions = (JSON.parse(audit.stdout) as { records: { action: string; phase: string; actor: string }[] }).records;
    expect(actions).toContainEqual(expect.objectContaining({ action: 'api/switchover', phase: 'intent', actor: 'demo-operator' }));
    expect(actions).toContainEqual(expect.objectContaining({ action: 'api/requests/:id/approve', phase: 'refused', actor: 'demo-operator' }));
    expect(actions).toContainEqual(expect.objectContaining({ action: 'api/requests/:id/approve', phase: 'intent', actor: 'demo-approver' }));

    const holderUrl = h.deployment.apiUrls.get(holder(h)!.region)!;
    const metrics = await (await fetch(`${holderUrl}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
    expect(metrics).toMatch(/^fcp_plan_step_duration_seconds_count\{.*status="done".*\} [1-9]/m);
    expect(metrics).toMatch(/^fcp_lease_holder\{.*\} 1$/m);
  });

  it('pause and resume go straight to the queue (no approval) and plan previews change nothing', async () => {
    const paused = await fcp(h, ['pause', '--reason', 'maintenance'], as('operator-demo'));
    expect(paused.code, paused.stderr).toBe(0);
    const plan = await fcp(h, ['plan', '--to', 'us-east-1', '--switchover'], as('viewer-demo'));
    expect(plan.stdout).toContain('dry run: nothing was changed');
    const resumed = await fcp(h, ['resume', '--reason', 'done'], as('operator-demo'));
    expect(resumed.code, resumed.stderr).toBe(0);
    const refused = await fcp(h, ['pause', '--reason', 'x'], as('viewer-demo'));
    expect(refused.code).toBe(2);
  });

  it('bad input through the CLI is refused with the field named: by the CLI before sending, or by the replica and audited', async () => {
    const [before] = await h.store.audit.list({ limit: 1 });
    const unsent = await fcp(h, ['failover', '--to', 'us-east-1', '--reason', 'INC-9\u001b[2K\rforged'], as('operator-demo'));
    expect(unsent.code).toBe(2);
    expect(unsent.stderr).toMatch(/--reason: contains the control character U\+001B/);
    const since = (await h.store.audit.list({ limit: 50 })).filter((r) => r.seq > (before?.seq ?? 0));
    expect(since.filter((r) => r.action === 'api/failover')).toEqual([]);

    const bad = await fcp(h, ['failover', '--to', 'ap-south-1', '--reason', 'INC-9'], as('operator-demo'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/to: "ap-south-1" is not one of the configured regions/);
    const [latest] = await h.store.audit.list({ limit: 1 });
    expect(latest).toMatchObject({ action: 'api/failover', phase: 'refused', actor: 'demo-operator', details: { status: 400 } });
  });

  it('calls nobody identified, from rotating addresses at every replica, never reach the audit chain', async () => {
    const before = (await h.store.audit.readAll()).length;
    const requestsBefore = (await h.store.requests.list()).length;
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      const from = `127.0.50.${i + 1}`;
      const url = urls()[i % 3]!;
      const json = { 'content-type': 'application/json', 'idempotency-key': `anon-${i}` };
      statuses.push(await callFrom(from, `${url}/v1/pause`, { method: 'POST', headers: { ...json, authorization: `Bearer guess-${i}` }, body: '{"reason":"x"}' }));
      statuses.push(await callFrom(from, `${url}/v1/failover`, { method: 'POST', headers: json, body: '{"to":"us-west-2","reason":"x"}' }));
      // What any web page can make a browser send, with the operator's token as a proxy might add it.
      statuses.push(await callFrom(from, `${url}/v1/switchover`, { method: 'POST', headers: { 'content-type': 'text/plain', 'idempotency-key': `plain-${i}`, authorization: 'Bearer operator-demo' }, body: '{"to":"us-west-2","reason":"x"}' }));
    }
    expect(new Set(statuses)).toEqual(new Set([401, 415]));
    const added = (await h.store.audit.readAll()).slice(before);
    expect(added.filter((r) => r.action.startsWith('api/'))).toEqual([]);
    expect(await h.store.requests.list()).toHaveLength(requestsBefore);
    const metrics = await (await fetch(`${urls()[0]}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
    expect(metrics).toMatch(/^fcp_api_unauthenticated_refusals_total\{route="\/v1\/switchover",reason="not-json".*\} 10$/m);
  });

  it('failed logins from one address at different replicas meet one limit, which every replica enforces', async () => {
    const limit = h.config.api.authFailureLimit;
    const from = '127.0.51.1';
    for (let i = 0; i < limit; i++) {
      expect(await callFrom(from, `${urls()[i % 3]}/v1/status`, { method: 'GET', headers: { authorization: `Bearer guess-${i}` } })).toBe(401);
    }
    for (const url of urls()) expect(await callFrom(from, `${url}/v1/status`, { method: 'GET', headers: { authorization: 'Bearer viewer-demo' } })).toBe(429);
    expect(await callFrom('127.0.51.2', `${urls()[0]}/v1/status`, { method: 'GET', headers: { authorization: 'Bearer viewer-demo' } })).toBe(200);
  });

  it('the lease holder streams its status as server-sent events', async () => {
    const url = h.deployment.apiUrls.get(holder(h)!.region)!;
    const response = await fetch(`${url}/v1/events`, { headers: { authorization: 'Bearer viewer-demo' }, signal: AbortSignal.timeout(30_000) });
    const reader = response.body!.getReader();
    let text = '';
    while (!text.includes('event: status')) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    const data = text.split('event: status\ndata: ')[1]!.split('\n')[0]!;
    expect(JSON.parse(data)).toMatchObject({ verdicts: { 'us-east-1': { health: expect.any(String) } } });
  });
});
