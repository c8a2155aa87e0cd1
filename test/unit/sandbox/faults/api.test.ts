import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaultApiServer } from '../../../../sandbox/faults/api.js';
import { FaultRegistry } from '../../../../sandbox/faults/registry.js';

const registry = new FaultRegistry({ regions: ['us-east-1', 'us-west-2'], arcEndpointRegions: ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2', 'ap-northeast-1'] });
const server = createFaultApiServer(registry, () => ({ writesCommitted: 7 }));
let base = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  registry.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${base}${path}`, {
    method,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
    signal: AbortSignal.timeout(5000),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('fault API', () => {
  it('adds, lists, removes and clears faults', async () => {
    const added = await call('POST', '/faults', { kind: 'region-down', region: 'us-east-1', for: '30s' });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ kind: 'region-down', region: 'us-east-1', for: 30_000 });
    await call('POST', '/faults', { kind: 'app-429' });
    const listed = await call('GET', '/faults');
    expect((listed.body.faults as { kind: string }[]).map((f) => f.kind)).toEqual(['region-down', 'app-429']);
    expect(registry.regionDown('us-east-1')).toBe(true);

    expect(await call('DELETE', `/faults/${String(added.body.id)}`)).toEqual({ status: 200, body: { removed: added.body.id } });
    expect((await call('DELETE', `/faults/${String(added.body.id)}`)).status).toBe(404);
    expect(await call('DELETE', '/faults')).toEqual({ status: 200, body: { cleared: 1 } });
    expect((await call('GET', '/faults')).body).toEqual({ faults: [] });
  });

  it.each([
    { body: { kind: 'region-down', region: 'mars-1' }, problem: /^region: "mars-1" is not a sandbox region/ },
    { body: { kind: 'app-latency', latency: 'slow' }, problem: /^latency: "slow" is not a duration/ },
    { body: '{not json', problem: /^\(body\): send a JSON object/ },
  ])('answers 400 naming the field for $body', async ({ body, problem }) => {
    const response = await call('POST', '/faults', body);
    expect(response.status).toBe(400);
    expect((response.body.problems as string[]).some((p) => problem.test(p))).toBe(true);
    expect(registry.list()).toEqual([]);
  });

  it('serves stats and a 404 for unknown routes', async () => {
    expect(await call('GET', '/stats')).toEqual({ status: 200, body: { writesCommitted: 7 } });
    expect((await call('GET', '/nope')).status).toBe(404);
  });
});
