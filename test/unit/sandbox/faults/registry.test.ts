import { describe, expect, it } from 'vitest';
import { InputError } from '../../../../kernel/errors.js';
import { FaultRegistry } from '../../../../sandbox/faults/registry.js';
import { manualClock } from '../manual-clock.js';

const regions = ['us-east-1', 'us-west-2', 'eu-west-1'];
const arcEndpointRegions = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2', 'ap-northeast-1'];

function registry() {
  const clock = manualClock();
  return { clock, faults: new FaultRegistry({ regions, arcEndpointRegions, accessKeyIdPrefix: 'SANDBOX-', clock }) };
}

describe('FaultRegistry app faults', () => {
  it.each([
    { request: { kind: 'region-down', region: 'us-east-1' }, region: 'us-east-1', vantage: undefined, expected: { kind: 'down' } },
    { request: { kind: 'region-down', region: 'us-east-1' }, region: 'us-west-2', vantage: undefined, expected: null },
    { request: { kind: 'region-hang', region: 'us-west-2' }, region: 'us-west-2', vantage: 'client', expected: { kind: 'hang' } },
    { request: { kind: 'app-5xx', region: 'eu-west-1' }, region: 'eu-west-1', vantage: undefined, expected: { kind: 'status', status: 503 } },
    { request: { kind: 'app-5xx', status: 500 }, region: 'us-west-2', vantage: undefined, expected: { kind: 'status', status: 500 } },
    { request: { kind: 'app-429' }, region: 'us-east-1', vantage: 'us-west-2', expected: { kind: 'status', status: 429 } },
    { request: { kind: 'app-latency', region: 'us-east-1', latency: '300ms' }, region: 'us-east-1', vantage: undefined, expected: { kind: 'latency', ms: 300 } },
    { request: { kind: 'dependency-hang' }, region: 'eu-west-1', vantage: undefined, expected: { kind: 'hang' } },
    { request: { kind: 'vantage-cut', vantage: 'us-west-2', region: 'us-east-1' }, region: 'us-east-1', vantage: 'us-west-2', expected: { kind: 'down' } },
    { request: { kind: 'vantage-cut', vantage: 'us-west-2', region: 'us-east-1' }, region: 'us-east-1', vantage: 'eu-west-1', expected: null },
    { request: { kind: 'vantage-cut', vantage: 'us-west-2', region: 'us-east-1' }, region: 'eu-west-1', vantage: 'us-west-2', expected: null },
    { request: { kind: 'api-5xx', service: 'rds' }, region: 'us-east-1', vantage: undefined, expected: null },
  ])('$request.kind seen by $region from $vantage', ({ request, region, vantage, expected }) => {
    const { faults } = registry();
    faults.add(request);
    expect(faults.appFault(region, vantage)).toEqual(expected);
  });

  it('hits only a share of requests with a partial (gray) fault', () => {
    const draws = [0.1, 0.5, 0.29, 0.9];
    const faults = new FaultRegistry({ regions, arcEndpointRegions, random: () => draws.shift() ?? 1 });
    faults.add({ kind: 'app-5xx', region: 'us-east-1', ratio: 0.3 });
    const seen = [1, 2, 3, 4].map(() => faults.appFault('us-east-1', undefined));
    expect(seen).toEqual([{ kind: 'status', status: 503 }, null, { kind: 'status', status: 503 }, null]);
    expect(faults.appFault('us-west-2', undefined)).toBeNull();
  });

  it('lets the most severe fault win and adds latencies', () => {
    const { faults } = registry();
    faults.add({ kind: 'app-latency', latency: 100 });
    faults.add({ kind: 'app-latency', region: 'us-east-1', latency: 50 });
    expect(faults.appFault('us-east-1', undefined)).toEqual({ kind: 'latency', ms: 150 });
    faults.add({ kind: 'app-429', region: 'us-east-1' });
    expect(faults.appFault('us-east-1', undefined)).toEqual({ kind: 'status', status: 429 });
    faults.add({ kind: 'region-down', region: 'us-east-1' });
    expect(faults.appFault('us-east-1', undefined)).toEqual({ kind: 'down' });
  });
});

describe('FaultRegistry AWS API faults', () => {
  const east = { region: 'us-east-1', accessKeyId: 'SANDBOX-us-east-1' };
  const west = { region: 'us-west-2', accessKeyId: 'SANDBOX-us-west-2' };
  it.each([
    { request: { kind: 'region-down', region: 'us-east-1' }, service: 'rds', caller: east, index: undefined, expected: { kind: 'down' } },
    { request: { kind: 'region-down', region: 'us-east-1' }, service: 'rds', caller: west, index: undefined, expected: null },
    { request: { kind: 'region-down', region: 'us-west-2' }, service: 'arc', caller: east, index: 1, expected: { kind: 'down' } },
    { request: { kind: 'region-down', region: 'us-west-2' }, service: 'arc', caller: east, index: 0, expected: null },
    { request: { kind: 'region-hang', region: 'us-west-2' }, service: 'rds', caller: west, index: undefined, expected: { kind: 'hang' } },
    { request: { kind: 'region-hang', region: 'us-west-2' }, service: 'arc', caller: east, index: 1, expected: { kind: 'hang' } },
    { request: { kind: 'region-hang', region: 'us-west-2' }, service: 'route53', caller: east, index: undefined, expected: null },
    { request: { kind: 'api-throttle', service: 'route53' }, service: 'route53', caller: east, index: undefined, expected: { kind: 'throttle' } },
    { request: { kind: 'api-throttle', service: 'route53' }, service: 'rds', caller: east, index: undefined, expected: null },
    { request: { kind: 'api-5xx', service: 'rds', region: 'us-west-2' }, service: 'rds', caller: west, index: undefined, expected: { kind: 'server-error' } },
    { request: { kind: 'api-5xx', service: 'rds', region: 'us-west-2' }, service: 'rds', caller: east, index: undefined, expected: null },
    { request: { kind: 'api-hang', service: 'arc' }, service: 'arc', caller: west, index: 3, expected: { kind: 'hang' } },
    { request: { kind: 'access-denied', region: 'us-west-2' }, service: 'rds', caller: west, index: undefined, expected: { kind: 'access-denied' } },
    { request: { kind: 'access-denied', region: 'us-west-2' }, service: 'rds', caller: east, index: undefined, expected: null },
    { request: { kind: 'expired-token', region: 'us-east-1' }, service: 'route53', caller: east, index: undefined, expected: { kind: 'expired-token' } },
    { request: { kind: 'arc-endpoint-down', endpoint: 2 }, service: 'arc', caller: east, index: 2, expected: { kind: 'down' } },
    { request: { kind: 'arc-endpoint-down', endpoint: 2 }, service: 'arc', caller: east, index: 1, expected: null },
    { request: { kind: 'arc-endpoint-down', region: 'ap-northeast-1' }, service: 'arc', caller: east, index: 4, expected: { kind: 'down' } },
    { request: { kind: 'route53-down' }, service: 'route53', caller: west, index: undefined, expected: { kind: 'server-error' } },
    { request: { kind: 'route53-down' }, service: 'rds', caller: west, index: undefined, expected: null },
  ] as const)('$request.kind for $service from $caller.accessKeyId (endpoint $index)', ({ request, service, caller, index, expected }) => {
    const { faults } = registry();
    faults.add(request);
    expect(faults.awsApiFault(service, caller, index)).toEqual(expected);
  });

  it('tells region down apart from the other kinds', () => {
    const { faults } = registry();
    faults.add({ kind: 'region-hang', region: 'us-east-1' });
    expect(faults.regionDown('us-east-1')).toBe(false);
    faults.add({ kind: 'region-down', region: 'us-east-1' });
    expect(faults.regionDown('us-east-1')).toBe(true);
    expect(faults.regionDown('us-west-2')).toBe(false);
    expect(faults.storeDown()).toBe(false);
    faults.add({ kind: 'store-down' });
    expect(faults.storeDown()).toBe(true);
  });
});

describe('FaultRegistry lifecycle', () => {
  it('lists a bounded fault with its remaining time and expires it by itself, telling subscribers', () => {
    const { clock, faults } = registry();
    let changes = 0;
    faults.onChange(() => changes++);
    const fault = faults.add({ kind: 'region-down', region: 'us-east-1', for: '30s' });
    expect(fault).toMatchObject({ kind: 'region-down', region: 'us-east-1', for: 30_000, remainingMs: 30_000 });
    clock.advance(10_000);
    expect(faults.list()).toEqual([expect.objectContaining({ id: fault.id, remainingMs: 20_000 })]);
    expect(faults.regionDown('us-east-1')).toBe(true);
    clock.advance(20_000);
    expect(faults.list()).toEqual([]);
    expect(faults.regionDown('us-east-1')).toBe(false);
    expect(changes).toBe(2);
  });

  it('keeps an unbounded fault until it is removed or cleared', () => {
    const { clock, faults } = registry();
    const a = faults.add({ kind: 'app-429' });
    faults.add({ kind: 'store-down' });
    clock.advance(3_600_000);
    expect(faults.list().map((f) => f.kind)).toEqual(['app-429', 'store-down']);
    expect(faults.list()[0]).not.toHaveProperty('remainingMs');
    expect(faults.remove(a.id)).toBe(true);
    expect(faults.remove(a.id)).toBe(false);
    expect(faults.clear()).toBe(1);
    expect(faults.list()).toEqual([]);
  });

  it('cancels the expiry of a cleared fault', () => {
    const { clock, faults } = registry();
    let changes = 0;
    faults.add({ kind: 'app-429', for: '5s' });
    faults.onChange(() => changes++);
    faults.clear();
    clock.advance(10_000);
    expect(changes).toBe(1);
  });
});

describe('FaultRegistry bad requests', () => {
  it.each([
    { request: { kind: 'meteor' }, problem: /^kind: kind must be one of region-down/ },
    { request: { kind: 'region-down' }, problem: /^region: is required/ },
    { request: { kind: 'region-down', region: 'us-west-1' }, problem: /^region: "us-west-1" is not a sandbox region; use one of us-east-1, us-west-2, eu-west-1/ },
    { request: { kind: 'app-latency' }, problem: /^latency: is required: give a duration such as "500ms"/ },
    { request: { kind: 'app-5xx', status: 502 }, problem: /^status: must be 500 or 503/ },
    { request: { kind: 'app-429', ratio: 0 }, problem: /^ratio: must be more than 0 and at most 1/ },
    { request: { kind: 'api-hang', service: 'ec2' }, problem: /^service: must be one of route53, rds, arc, cloudwatch/ },
    { request: { kind: 'app-429', for: 'soon' }, problem: /^for: "soon" is not a duration/ },
    { request: { kind: 'arc-endpoint-down', endpoint: 5 }, problem: /^endpoint: must be an ARC endpoint index from 0 to 4/ },
    { request: { kind: 'arc-endpoint-down' }, problem: /^endpoint: name exactly one ARC endpoint/ },
    { request: { kind: 'store-down', region: 'us-east-1' }, problem: /unknown field "region"/ },
  ])('$request is refused: $problem', ({ request, problem }) => {
    const { faults } = registry();
    let changes = 0;
    faults.onChange(() => changes++);
    let error: unknown;
    try {
      faults.add(request);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).problems.some((p) => problem.test(p))).toBe(true);
    expect(faults.list()).toEqual([]);
    expect(changes).toBe(0);
  });
});
