import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../../kernel/errors.js';
import { createFaultApiServer } from '../../../../sandbox/faults/api.js';
import { FaultApiClient, FaultApiError } from '../../../../sandbox/faults/client.js';
import { FaultRegistry } from '../../../../sandbox/faults/registry.js';

const registry = new FaultRegistry({ regions: ['us-east-1', 'us-west-2'], arcEndpointRegions: ['a', 'b', 'c', 'd', 'e'] });
const server = createFaultApiServer(registry, () => ({ dbWriter: 'us-east-1' }));
let client: FaultApiClient;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  client = new FaultApiClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
});
afterAll(async () => {
  registry.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('FaultApiClient', () => {
  it('adds, lists, removes and clears faults and reads stats', async () => {
    const fault = await client.add({ kind: 'vantage-cut', vantage: 'client', region: 'us-west-2', for: '1m' });
    expect(fault).toMatchObject({ kind: 'vantage-cut', vantage: 'client', region: 'us-west-2', remainingMs: 60_000 });
    await client.add({ kind: 'store-down' });
    expect((await client.list()).map((f) => f.kind)).toEqual(['vantage-cut', 'store-down']);
    await client.remove(fault.id);
    expect(await client.clear()).toBe(1);
    expect(await client.stats()).toEqual({ dbWriter: 'us-east-1' });
  });

  it.each([
    { name: 'a bad request', call: () => client.add({ kind: 'region-down', region: 'nowhere' }), problem: /^region: "nowhere" is not a sandbox region/ },
    { name: 'an unknown id', call: () => client.remove('nope'), problem: /^id: no active fault with id "nope"/ },
  ])('turns $name into an InputError naming the field', async ({ call, problem }) => {
    const error = await call().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).problems.some((p) => problem.test(p))).toBe(true);
  });

  it('says where it tried when the sandbox is not running', async () => {
    const unreachable = new FaultApiClient('http://127.0.0.1:1', 1000);
    const error = await unreachable.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FaultApiError);
    expect((error as FaultApiError).message).toMatch(/cannot reach the sandbox fault API at http:\/\/127\.0\.0\.1:1; is `fcp sandbox up` running\?/);
    expect((error as FaultApiError).transient).toBe(true);
  });
});
